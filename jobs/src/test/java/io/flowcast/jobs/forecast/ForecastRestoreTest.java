package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Snapshot, then restore into a fresh harness: the series continue bit for bit, on both state backends. */
class ForecastRestoreTest {

    private static final String[] KEYS = {"alpha", "beta", "gamma"};
    private final ForecastSettings settings = ForecastSettings.defaults().withHiddenSize(16).withLayers(2)
            .withHorizons(4).withRingSize(8);
    /** Trained weights, so every forecast value depends on the restored recurrent state and scaler. */
    private final WeightSource trained = config -> new ModelWeights(1, RecurrentNet.initialized(config, 11));

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("hashmap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void restoredSeriesContinueBitForBit(String backendName) throws Exception {
        OperatorSubtaskState snapshot;
        List<Forecast> continued;
        List<SeriesState> snapshotStates = new ArrayList<>();
        List<SeriesState> finalStates = new ArrayList<>();
        try (ForecastHarness original = new ForecastHarness(settings, trained, backend(backendName), null)) {
            feed(original, events(0, 20));
            snapshot = original.snapshot(1);
            for (String key : KEYS) {
                snapshotStates.add(original.state(key).copy());
            }
            continued = feed(original, events(20, 40));
            for (String key : KEYS) {
                finalStates.add(original.state(key).copy());
            }
        }
        try (ForecastHarness restored = new ForecastHarness(settings, trained, backend(backendName), snapshot)) {
            assertThat(restored.metrics().keys()).as("restored series are counted").isEqualTo(KEYS.length);
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(restored.state(KEYS[k])).isEqualTo(snapshotStates.get(k));
            }
            List<Forecast> again = feed(restored, events(20, 40));

            assertThat(again).hasSameSizeAs(continued);
            for (int i = 0; i < again.size(); i++) {
                Forecast a = continued.get(i);
                Forecast b = again.get(i);
                assertThat(b.key).isEqualTo(a.key);
                assertThat(b.eventTime).isEqualTo(a.eventTime);
                assertThat(b.modelVersion).isEqualTo(1);
                assertThat(b.values).as("forecast %d", i).containsExactly(a.values);
            }
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(restored.state(KEYS[k])).isEqualTo(finalStates.get(k));
            }
            assertThat(restored.metrics().rewarms.getCount()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void newWeightsRewarmEachSeriesFromItsRingBeforeTheNextForecast(String backendName) throws Exception {
        OperatorSubtaskState snapshot;
        try (ForecastHarness untrained = new ForecastHarness(settings, new SeededWeights(1), backend(backendName), null)) {
            feed(untrained, events(0, 30));
            snapshot = untrained.snapshot(1);
        }
        try (ForecastHarness h = new ForecastHarness(settings, trained, backend(backendName), snapshot)) {
            SeriesState before = h.state("alpha").copy();
            assertThat(before.modelVersion).isZero();
            Observation next = obs("alpha", T0 + 30 * MINUTE, 5f);
            List<Forecast> out = h.send(next);

            SeriesState after = h.state("alpha");
            assertThat(after.modelVersion).isEqualTo(1);
            assertThat(out.get(0).modelVersion).isEqualTo(1);
            assertThat(h.metrics().rewarms.getCount()).isEqualTo(1);
            assertThat(after.recurrent).containsExactly(replayRingThenStep(before, next));
        }
    }

    /** Zero state, the ring oldest first, then the new event: what a re-warm must produce. */
    private float[] replayRingThenStep(SeriesState before, Observation next) {
        RecurrentNet net = RecurrentNet.initialized(settings.netConfig(), 11);
        CalendarFeatures calendar = new CalendarFeatures();
        float[] state = net.newState();
        float[] input = new float[settings.netConfig().inputSize()];
        float[] output = new float[settings.horizons()];
        for (int k = before.ringFill() - 1; k >= 0; k--) {
            input[0] = before.scaler.transform(0, before.valueBack(k, 0));
            calendar.write(before.timeBack(k), input, 1);
            net.step(state, input, output);
        }
        SeriesState s = before.copy();
        s.scaler.update(next.values);
        input[0] = s.scaler.transform(0, next.values[0]);
        calendar.write(next.timestamp, input, 1);
        net.step(state, input, output);
        return state;
    }

    /** Steps [from, to) for every key: regular, with a missing value, a late event and a duplicate mixed in. */
    private static List<Observation> events(int from, int to) {
        List<Observation> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int k = 0; k < KEYS.length; k++) {
                long t = T0 + i * MINUTE + k * 7_000L;
                float v = i % 9 == 4 ? Float.NaN : (float) (10 * k + Math.sin(i * 0.3 + k));
                events.add(obs(KEYS[k], t, v));
                if (i % 11 == 5) {
                    events.add(obs(KEYS[k], t - 3 * MINUTE, 1f));
                }
                if (i % 13 == 6) {
                    events.add(obs(KEYS[k], t, 2f));
                }
            }
        }
        return events;
    }

    private static List<Forecast> feed(ForecastHarness h, List<Observation> events) throws Exception {
        List<Forecast> out = new ArrayList<>();
        for (Observation o : events) {
            out.addAll(h.send(o));
        }
        return out;
    }
}
