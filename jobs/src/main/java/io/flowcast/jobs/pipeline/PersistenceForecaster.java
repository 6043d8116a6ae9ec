package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by series: forecasts every horizon as the observation's own value (first feature) or, when
 * that value is missing, as the value of the newest earlier observation that had one (NaN before any).
 * Only observations at least as new as the stored one update it, so an out-of-order event cannot
 * roll the series back.
 */
final class PersistenceForecaster extends KeyedProcessFunction<String, Observation, Forecast> {

    private static final long serialVersionUID = 1L;
    private final int horizon;
    private transient ValueState<Float> lastValue;
    private transient ValueState<Long> lastValueTime;

    PersistenceForecaster(int horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        lastValue = getRuntimeContext().getState(new ValueStateDescriptor<>("last-value", Types.FLOAT));
        lastValueTime = getRuntimeContext().getState(new ValueStateDescriptor<>("last-value-time", Types.LONG));
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<Forecast> out) throws Exception {
        float value = o.values[0];
        float level;
        if (Float.isFinite(value)) {
            level = value;
            Long storedTime = lastValueTime.value();
            if (storedTime == null || o.timestamp >= storedTime) {
                lastValue.update(value);
                lastValueTime.update(o.timestamp);
            }
        } else {
            Float stored = lastValue.value();
            level = stored == null ? Float.NaN : stored;
        }
        Forecast f = new Forecast();
        f.key = o.key;
        f.eventTime = o.timestamp;
        f.rawTimestamp = o.rawTimestamp;
        f.modelVersion = 0;
        f.values = new float[horizon];
        Arrays.fill(f.values, level);
        f.emittedAt = ctx.timerService().currentProcessingTime();
        out.collect(f);
    }
}
