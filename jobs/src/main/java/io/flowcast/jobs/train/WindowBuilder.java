package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The per-series side of training (keyed by series key): applies the forecaster's event rules so the
 * trainer learns from exactly the events that are forecast, and turns each accepted event into a
 * {@link TrainingPoint} for the series' model. The training windows themselves are cut by the
 * model's {@code Retrainer} at each fit, from its replay history, so this operator keeps one long
 * per series: the time of its last accepted event.
 *
 * <p>Rules, as in the forecaster: an event older than the series' last one ({@code late}) or at the
 * same time ({@code duplicate}) is dropped. They are counted here but not dead-lettered: the
 * forecaster already dead-letters the same events. A missing or non-finite value is a point with a
 * NaN value (a gap in the history, never a target); an event with no value at all is dropped
 * ({@code noValue}). Only the first value is trained on.
 */
public class WindowBuilder extends KeyedProcessFunction<String, Observation, TrainingPoint> {

    private static final long serialVersionUID = 1L;

    /** State name: savepoints find state by it; never rename. */
    public static final String LAST_TIME_STATE = "lastEventTime";

    private final ModelNames models;
    private transient ValueState<Long> lastTime;
    private transient Counter pointsOut;
    private transient Counter late;
    private transient Counter duplicates;
    private transient Counter noValue;
    private transient Counter missingValues;

    public WindowBuilder(ModelNames models) {
        this.models = models;
    }

    @Override
    public void open(OpenContext openContext) {
        lastTime = getRuntimeContext().getState(new ValueStateDescriptor<>(LAST_TIME_STATE, Types.LONG));
        var group = getRuntimeContext().getMetricGroup();
        pointsOut = group.counter("trainingPoints");
        late = group.counter("lateDropped");
        duplicates = group.counter("duplicatesDropped");
        noValue = group.counter("noValueDropped");
        missingValues = group.counter("missingValues");
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<TrainingPoint> out) throws Exception {
        Long last = lastTime.value();
        if (last != null && o.timestamp < last) {
            late.inc();
            return;
        }
        if (last != null && o.timestamp == last) {
            duplicates.inc();
            return;
        }
        if (o.values == null || o.values.length == 0) {
            noValue.inc();
            return;
        }
        lastTime.update(o.timestamp);
        float v = o.values[0];
        if (!Float.isFinite(v)) {
            v = Float.NaN;
            missingValues.inc();
        }
        pointsOut.inc();
        out.collect(new TrainingPoint(models.of(o.key), o.key, o.timestamp, v));
    }

    long dropped() {
        return late.getCount() + duplicates.getCount() + noValue.getCount();
    }
}
