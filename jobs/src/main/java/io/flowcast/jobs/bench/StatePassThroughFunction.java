package io.flowcast.jobs.bench;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.SeriesState;
import io.flowcast.jobs.forecast.SeriesStateSerializer;
import io.flowcast.jobs.records.Observation;
import io.flowcast.model.online.SeriesBuffer;
import io.flowcast.model.online.ServingState;
import io.flowcast.model.features.StreamingScaler;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The benchmark's reference: reads and writes the same per-key state as the forecaster (same class,
 * same serializer, same size: a new key starts as a copy of a full state under the benchmark's model)
 * and records the event in its history, but computes nothing, so the forecast job's rate over this
 * job's rate is the share left after the model's work. The recurrent floats are stirred too (one cheap
 * pass): state that stayed all zeros would compress and cache better on RocksDB than real state does.
 */
final class StatePassThroughFunction extends KeyedProcessFunction<String, Observation, Observation> {

    private static final long serialVersionUID = 2L;

    private final BenchModel net;
    private final ForecastSettings settings;
    /** A new key starts with an empty history that fills as events come (as the forecaster's does), not a full one. */
    private final boolean fromEmpty;
    private transient SeriesState template;
    private transient ValueState<SeriesState> series;
    private transient float[] one;

    StatePassThroughFunction(BenchModel net, ForecastSettings settings) {
        this(net, settings, false);
    }

    /**
     * @param fromEmpty a new key's history starts empty and fills as events come, as the forecaster's
     *                  does (a benchmark that starts every series at once compares like with like);
     *                  otherwise a new key starts as a copy of a full state
     */
    StatePassThroughFunction(BenchModel net, ForecastSettings settings, boolean fromEmpty) {
        this.net = net;
        this.settings = settings;
        this.fromEmpty = fromEmpty;
    }

    @Override
    public void open(OpenContext openContext) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", SeriesStateSerializer.INSTANCE));
        one = new float[1];
        template = net.fullState(settings);
        if (fromEmpty) {
            ServingState full = template.serving();
            float[][] states = new float[ServingState.SLOTS][];
            long[] versions = new long[ServingState.SLOTS];
            for (int slot = 0; slot < ServingState.SLOTS; slot++) {
                states[slot] = full.state(slot) == null ? null : full.state(slot).clone();
                versions[slot] = full.version(slot);
            }
            template = new SeriesState(new ServingState(new SeriesBuffer(full.buffer().capacity()),
                    full.liveScaler().copy(), states, versions, new StreamingScaler[ServingState.SLOTS]));
        }
    }

    @Override
    public void processElement(Observation obs, Context ctx, Collector<Observation> out) throws Exception {
        SeriesState s = series.value();
        if (s == null) {
            s = template.copy();
        }
        ServingState serving = s.serving();
        one[0] = obs.values[0];
        serving.liveScaler().update(one);
        serving.buffer().append(obs.timestamp, obs.values[0]);
        float[] recurrent = serving.state(0);
        for (int i = 0; i < recurrent.length; i++) {
            recurrent[i] = 0.5f * recurrent[i] + obs.values[0] * (i + 1) * 1e-3f;
        }
        series.update(s);
        out.collect(obs);
    }
}
