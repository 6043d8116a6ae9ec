package io.flowcast.jobs.bench;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.SeriesState;
import io.flowcast.jobs.forecast.SeriesStateSerializer;
import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The benchmark's reference: reads and writes the same per-key state as the forecaster (same class,
 * same serializer, same size) and records the event in it, but computes nothing, so the forecast job's
 * rate over this job's rate is the share left after the model's work. The recurrent floats are
 * stirred too (one cheap pass): state that stayed all zeros would compress and cache better on
 * RocksDB than real state does, and flatter the reference.
 */
final class StatePassThroughFunction extends KeyedProcessFunction<String, Observation, Observation> {

    private static final long serialVersionUID = 1L;

    private final ForecastSettings settings;
    private transient ValueState<SeriesState> series;

    StatePassThroughFunction(ForecastSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", SeriesStateSerializer.INSTANCE));
    }

    @Override
    public void processElement(Observation obs, Context ctx, Collector<Observation> out) throws Exception {
        SeriesState s = series.value();
        if (s == null) {
            s = SeriesState.create(settings);
        }
        s.scaler().update(obs.values);
        s.record(obs.timestamp, obs.values);
        float[] recurrent = s.recurrent();
        for (int i = 0; i < recurrent.length; i++) {
            recurrent[i] = 0.5f * recurrent[i] + obs.values[0] * (i + 1) * 1e-3f;
        }
        series.update(s);
        out.collect(obs);
    }
}
