package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
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

/**
 * Snapshot, then restore into a fresh harness without any model: the series and the models that came on
 * the broadcast side continue bit for bit, on both state backends.
 */
class ForecastRestoreTest {

    private static final String[] KEYS = {"alpha", "beta", "gamma"};
    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(TestModels.HORIZON)
            .withSeasonLength(TestModels.SEASON);
    private final String name = settings.modelNames().fixedName();

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("hashmap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void restoredSeriesAndModelsContinueBitForBit(String backendName) throws Exception {
        OperatorSubtaskState snapshot;
        List<Forecast> continued;
        List<SeriesState> snapshotStates = new ArrayList<>();
        List<SeriesState> finalStates = new ArrayList<>();
        try (ForecastHarness original = new ForecastHarness(settings, List.of(), backend(backendName), null)) {
            original.sendModel(TestModels.record(name, 1, T0 + 5 * MINUTE, true));
            feed(original, events(0, 12));
            original.sendModel(TestModels.record(name, 2, T0 + 10 * MINUTE, true));
            feed(original, events(12, 20));
            snapshot = original.snapshot(1);
            for (String key : KEYS) {
                snapshotStates.add(original.state(key).copy());
            }
            continued = feed(original, events(20, 40));
            for (String key : KEYS) {
                finalStates.add(original.state(key).copy());
            }
        }
        try (ForecastHarness restored = new ForecastHarness(settings, List.of(), backend(backendName), snapshot)) {
            assertThat(restored.metrics().keys()).as("restored series are counted").isEqualTo(KEYS.length);
            assertThat(restored.numKeyedStateEntries()).isEqualTo(KEYS.length);
            assertThat(restored.numEventTimeTimers()).as("each series' expiry timer is restored").isEqualTo(KEYS.length);
            List<String> held = new ArrayList<>();
            restored.harness.getBroadcastState(ForecastFunction.MODELS).entries().forEach(e -> held.add(e.getKey()));
            assertThat(held).as("the model records in broadcast state").containsExactlyInAnyOrder(name + "#1", name + "#2");
            assertThat(restored.function.heldVersions().get(name)).as("held lazily, at the first element of either input")
                    .isEmpty();
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(restored.state(KEYS[k])).isEqualTo(snapshotStates.get(k));
                assertThat(restored.state(KEYS[k]).serving().version(0)).isEqualTo(1);
                assertThat(restored.state(KEYS[k]).serving().version(1)).isEqualTo(2);
            }
            List<Forecast> again = feed(restored, events(20, 40));
            assertThat(restored.function.heldVersions().get(name)).as("models restored from broadcast state")
                    .containsExactly(1, 2);
            assertThat(restored.metrics().modelsReceived.getCount()).as("no model record was sent again").isZero();

            assertThat(again).hasSameSizeAs(continued);
            for (int i = 0; i < again.size(); i++) {
                Forecast a = continued.get(i);
                Forecast b = again.get(i);
                assertThat(b.key).isEqualTo(a.key);
                assertThat(b.eventTime).isEqualTo(a.eventTime);
                assertThat(b.modelVersion).isEqualTo(2);
                assertThat(b.values).as("forecast %d", i).containsExactly(a.values);
                assertThat(b.p10).as("forecast %d", i).containsExactly(a.p10);
                assertThat(b.p90).as("forecast %d", i).containsExactly(a.p90);
            }
            for (int k = 0; k < KEYS.length; k++) {
                assertThat(restored.state(KEYS[k])).isEqualTo(finalStates.get(k));
            }
            assertThat(restored.metrics().rewarms.getCount()).as("restored state needs no re-warm").isZero();
        }
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
