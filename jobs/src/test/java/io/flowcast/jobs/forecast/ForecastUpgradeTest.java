package io.flowcast.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainerInputSerializer;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.online.ServingModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upgrades from this release's forecaster state, as Flink's own {@code *MigrationTest}s do: the
 * fixtures {@code format3-heap-snapshot} and {@code format3-rocksdb-snapshot} are operator-harness
 * snapshots ({@code OperatorSnapshotUtil.writeStateHandle}) of the keyed forecaster written by this
 * code: series state format 3 (history, scalers, recurrent states under LSTM H=8 versions, detected
 * step, expiry timer), the event-time timers, the broadcast {@code models} state (v1 and v2) and the
 * per-model series count. A later build must restore them and go on exactly as a run that was never
 * stopped: {@link #theRestoredForecasterContinuesExactlyAsAnUninterruptedRun}.
 *
 * <p>The input is code ({@link #before} and {@link #after}, one event per minute): series {@code a}
 * and {@code b} from step 0 ({@code a} misses a value), {@code c} from step 20 with a gap (too few
 * events at the snapshot for its step to be detected), {@code d} silent after step 9 (expired before
 * the snapshot), {@code e} silent after step 100 (expires after it), {@code f} new after it; v1
 * arrives at step 10, v2 at step 25, v3 at step 130; a watermark every 10 steps; the snapshot after
 * step 119; after it a duplicate and a late event.
 *
 * <p><b>Rewriting the fixtures</b> (only when the state format changes on purpose, keeping the old
 * ones as a migration test of their own): {@code mvn -B -o -pl jobs -am test -Dtest=ForecastUpgradeTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dflowcast.writeUpgradeFixtures=true}, from the repository
 * root; the generator, {@link #writeFixtures}, is skipped otherwise.
 *
 * <p><b>A model of another shape</b> (cell, hidden size, window) after the upgrade: the rule (see
 * docs/reliability.md) is that a series' recurrent state belongs to the version that built it; a
 * different version re-warms it from the series' history at its next event, and so does a state whose
 * size does not fit the serving net (a version number reused for another net), instead of failing.
 */
class ForecastUpgradeTest {

    static final String RESOURCES = "/io/flowcast/jobs/forecast/";
    static final String MODEL = "m";
    private static final long T0 = ForecastHarness.T0;
    private static final long MINUTE = ForecastHarness.MINUTE;
    private static final int SNAPSHOT_AFTER_STEP = 119;
    private static final int LAST_STEP = 159;
    /** The step at which v3 arrives, after the snapshot. */
    private static final int V3_AT_STEP = 130;
    private static final int HORIZON = 3;
    private static final int SEASON = 4;

    static final ForecastSettings SETTINGS = ForecastSettings.defaults().withHorizons(HORIZON).withSeasonLength(SEASON)
            .withModelNames(ModelNames.fixed(MODEL)).withSeriesTtl(Duration.ofMinutes(30));
    static final TrainingSettings TRAINING = TrainingSettings.defaults(HORIZON, ModelNames.fixed(MODEL))
            .with("window", "6").with("season", "4").with("seasons", "1");

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("heap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static String fixture(String backend) {
        return "format3-" + backend + "-snapshot";
    }

    // ---- the input ----

    /** Version {@code version} of the model: a seeded net of {@code cell} and {@code hidden}, replaying {@code window} steps. */
    static ModelRecord model(long version, int trainedUpToStep, CellType cell, int hidden, int window) {
        ServingModel.Shape shape = new ServingModel.Shape(HORIZON, window, SEASON, 1, false);
        NetConfig config = new NetConfig(cell, 1 + CalendarFeatures.SIZE + HORIZON + 1, hidden, 1, HORIZON);
        float[] baseline = new float[2 * HORIZON];
        for (int k = 0; k < HORIZON; k++) {
            baseline[2 * k] = 0.6f + 0.01f * version;
            baseline[2 * k + 1] = 0.3f;
        }
        return ModelRecord.of(new ServingModel(MODEL, version, shape, RecurrentNet.initialized(config, 100 + version),
                baseline, new float[0], new ServingModel.Info(time(trainedUpToStep), 100, 0.5, 0.6, 1)));
    }

    static ModelRecord lstm8(long version, int trainedUpToStep) {
        return model(version, trainedUpToStep, CellType.LSTM, 8, 6);
    }

    static long time(int step) {
        return T0 + step * MINUTE;
    }

    private static float wave(int step, double phase, float level) {
        return level + (float) (10 * Math.sin(2 * Math.PI * step / SEASON + phase) + 3 * ((step % 5) - 2));
    }

    /** Everything sent before the snapshot. */
    static void before(ForecastHarness h) throws Exception {
        before(h, true);
    }

    /** @param models whether v1 and v2 come (without: every series is served by the baseline until the snapshot) */
    static void before(ForecastHarness h, boolean models) throws Exception {
        for (int step = 0; step <= SNAPSHOT_AFTER_STEP; step++) {
            if (step == 10 && models) {
                h.sendModel(lstm8(1, 9));
            }
            if (step == 25 && models) {
                h.sendModel(lstm8(2, 24));
            }
            h.send(ForecastHarness.obs("a", time(step), step == 13 ? Float.NaN : wave(step, 0, 50)));
            h.send(ForecastHarness.obs("b", time(step), wave(step, 1, 200)));
            if (step >= 20 && (step < 30 || step > 32)) {
                h.send(ForecastHarness.obs("c", time(step), wave(step, 2, 10)));
            }
            if (step <= 9) {
                h.send(ForecastHarness.obs("d", time(step), wave(step, 3, 5)));
            }
            if (step <= 100) {
                h.send(ForecastHarness.obs("e", time(step), wave(step, 4, 70)));
            }
            if (step % 10 == 9) {
                h.watermark(time(step));
            }
        }
    }

    /** Everything sent after it; {@code v3} arrives at step {@value #V3_AT_STEP}. */
    static void after(ForecastHarness h, ModelRecord v3) throws Exception {
        for (int step = SNAPSHOT_AFTER_STEP + 1; step <= LAST_STEP; step++) {
            if (step == V3_AT_STEP) {
                h.sendModel(v3);
            }
            h.send(ForecastHarness.obs("a", time(step), wave(step, 0, 50)));
            if (step == 124) {
                h.send(ForecastHarness.obs("a", time(step), 1f)); // duplicate
                h.send(ForecastHarness.obs("a", time(step - 2), 2f)); // late
            }
            h.send(ForecastHarness.obs("b", time(step), wave(step, 1, 200)));
            if (step < V3_AT_STEP || step > V3_AT_STEP + 2) {
                h.send(ForecastHarness.obs("c", time(step), wave(step, 2, 10)));
            }
            if (step >= 125) {
                h.send(ForecastHarness.obs("f", time(step), wave(step, 5, 30)));
            }
            if (step % 10 == 9) {
                h.watermark(time(step));
            }
        }
    }

    /** How many of each output a harness had emitted at some point. */
    record Emitted(int forecasts, int training, int deadLetters) {

        static final Emitted NONE = new Emitted(0, 0, 0);

        static Emitted by(ForecastHarness h) {
            return new Emitted(h.forecasts().size(), h.training().size(), h.deadLetters().size());
        }
    }

    /**
     * What a harness emitted after {@code from}, comparable byte for byte: forecasts (their JSON, without
     * the harness's processing time), training inputs (their serialized bytes) and dead letters.
     */
    static List<String> outputs(ForecastHarness h, Emitted from) throws Exception {
        List<String> out = new ArrayList<>();
        for (Forecast f : h.forecasts().subList(from.forecasts(), h.forecasts().size())) {
            f.emittedAt = 0;
            out.add("forecast " + new String(ForecastJson.write(f), StandardCharsets.UTF_8));
        }
        for (TrainerInput in : h.training().subList(from.training(), h.training().size())) {
            DataOutputSerializer bytes = new DataOutputSerializer(256);
            TrainerInputSerializer.INSTANCE.serialize(in, bytes);
            out.add("training " + Base64.getEncoder().encodeToString(bytes.getCopyOfBuffer()));
        }
        for (DeadLetter d : h.deadLetters().subList(from.deadLetters(), h.deadLetters().size())) {
            out.add("dead-letter " + new String(DeadLetterJson.write(d), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static ForecastHarness fresh(String backend) throws Exception {
        return new ForecastHarness(SETTINGS, List.of(), TRAINING, backend(backend), null);
    }

    private static ForecastHarness restored(String backend, List<ModelRecord> preloaded) throws Exception {
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                Path.of(ForecastUpgradeTest.class.getResource(RESOURCES + fixture(backend)).toURI()).toString());
        return new ForecastHarness(SETTINGS, preloaded, TRAINING, backend(backend), snapshot);
    }

    /** The uninterrupted run: everything into one harness, outputs after the snapshot point only. */
    private static Run uninterrupted(String backend, ModelRecord v3) throws Exception {
        try (ForecastHarness h = fresh(backend)) {
            before(h);
            Emitted atSnapshot = Emitted.by(h);
            after(h, v3);
            return Run.of(h, outputs(h, atSnapshot));
        }
    }

    /** The outputs after the snapshot point and what the harness holds at the end. */
    record Run(List<String> outputs, List<SeriesState> states, int timers, int entries, long[] held) {

        static Run of(ForecastHarness h, List<String> outputs) throws Exception {
            List<SeriesState> states = new ArrayList<>();
            for (String key : List.of("a", "b", "c", "d", "e", "f")) {
                SeriesState s = h.state(key);
                states.add(s == null ? null : s.copy());
            }
            return new Run(outputs, states, h.numEventTimeTimers(), h.numKeyedStateEntries(),
                    h.function.heldVersions().get(MODEL));
        }
    }

    // ---- the fixtures ----

    @Test
    @EnabledIfSystemProperty(named = "flowcast.writeUpgradeFixtures", matches = "true")
    void writeFixtures() throws Exception {
        Path dir = Path.of("src/test/resources" + RESOURCES);
        assertThat(dir).as("run from the jobs module (Maven does)").isDirectory();
        for (String backend : List.of("heap", "rocksdb")) {
            try (ForecastHarness h = fresh(backend)) {
                before(h);
                Path file = dir.resolve(fixture(backend));
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1), file.toString());
                System.out.printf("wrote %s (%,d bytes)%n", file, Files.size(file));
            }
        }
    }

    // ---- the tests ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theFixtureHoldsWhatWasSentBeforeTheSnapshot(String backend) throws Exception {
        try (ForecastHarness h = restored(backend, List.of())) {
            assertThat(h.state("d")).as("d expired before the snapshot").isNull();
            for (String key : List.of("a", "b", "c", "e")) {
                SeriesState s = h.state(key);
                assertThat(s).as(key).isNotNull();
                assertThat(s.stepMillis()).as("%s: step detected from its first 101 events (c has fewer)", key)
                        .isEqualTo(key.equals("c") ? 0 : MINUTE);
                assertThat(s.expiryTimer()).as("%s: its timer, moved lazily", key).isGreaterThan(time(SNAPSHOT_AFTER_STEP))
                        .isLessThanOrEqualTo(s.lastEventTime() + SETTINGS.seriesTtl().toMillis());
            }
            assertThat(h.state("a").serving().version(0) + h.state("a").serving().version(1))
                    .as("a's recurrent states: under v1 and v2").isEqualTo(3);
            assertThat(h.state("a").serving().state(0)).as("LSTM H=8: h and c").hasSize(16);
            assertThat(h.numEventTimeTimers()).as("one expiry timer per series").isEqualTo(4);
            assertThat(h.numKeyedStateEntries()).isEqualTo(4);
            List<String> models = new ArrayList<>();
            ((AbstractStreamOperator<?>) h.harness.getOperator()).getOperatorStateBackend()
                    .getBroadcastState(ForecastFunction.MODELS).immutableEntries().forEach(e -> models.add(e.getKey()));
            assertThat(models).as("broadcast state: the model records").containsExactlyInAnyOrder("m#1", "m#2");
            assertThat(h.metrics().keys()).as("series count, from operator state").isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theRestoredForecasterContinuesExactlyAsAnUninterruptedRun(String backend) throws Exception {
        continuesAsUninterrupted(backend, lstm8(3, V3_AT_STEP - 1));
    }

    /** The cell and hidden size change (LSTM H=8 to GRU H=16, the same state size): the new version re-warms. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aVersionWithAnotherCellAndHiddenSizeReWarmsEverySeries(String backend) throws Exception {
        Run run = continuesAsUninterrupted(backend, model(3, V3_AT_STEP - 1, CellType.GRU, 16, 6));
        SeriesState a = run.states().get(0);
        int slot = a.serving().version(0) == 3 ? 0 : 1;
        assertThat(a.serving().version(slot)).isEqualTo(3);
        assertThat(a.serving().state(slot)).as("GRU H=16: h only").hasSize(16);
    }

    /**
     * What re-warming means: under the GRU H=16 version, a restored series (whose recurrent states
     * were built by LSTM H=8 versions, of the same size) forecasts exactly as a series with the same
     * history that no net ever served (no ensemble here, so only the new version's state counts).
     * Stepping the LSTM's state with the GRU's weights would not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void underANetOfAnotherCellASeriesForecastsAsIfNoNetHadServedItBefore(String backend) throws Exception {
        ModelRecord gru16 = model(3, V3_AT_STEP - 1, CellType.GRU, 16, 6);
        ForecastSettings single = SETTINGS.withEnsemble(false);
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                Path.of(ForecastUpgradeTest.class.getResource(RESOURCES + fixture(backend)).toURI()).toString());
        try (ForecastHarness restored = new ForecastHarness(single, List.of(), TRAINING, backend(backend), snapshot);
                ForecastHarness never = new ForecastHarness(single, List.of(), TRAINING, backend(backend), null)) {
            before(never, false);
            Emitted atSnapshot = Emitted.by(never);
            after(never, gru16);
            after(restored, gru16);
            List<String> expected = outputs(never, atSnapshot).stream().filter(o -> o.contains("\"modelVersion\":3"))
                    .toList();
            assertThat(expected).as("forecasts by the GRU version").hasSizeGreaterThan(50);
            assertThat(outputs(restored, Emitted.NONE)).filteredOn(o -> o.contains("\"modelVersion\":3"))
                    .containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aVersionWithAnotherWindowReWarmsEverySeries(String backend) throws Exception {
        continuesAsUninterrupted(backend, model(3, V3_AT_STEP - 1, CellType.LSTM, 8, 12));
    }

    private Run continuesAsUninterrupted(String backend, ModelRecord v3) throws Exception {
        Run expected = uninterrupted(backend, v3);
        try (ForecastHarness h = restored(backend, List.of())) {
            after(h, v3);
            Run got = Run.of(h, outputs(h, Emitted.NONE));
            assertThat(got.outputs()).as("forecasts, training windows, dead letters").containsExactlyElementsOf(
                    expected.outputs());
            assertThat(got.outputs()).filteredOn(s -> s.startsWith("forecast ") && s.contains("\"modelVersion\":3"))
                    .as("forecasts by v3").isNotEmpty();
            assertThat(got.outputs()).filteredOn(s -> s.startsWith("training ")).as("training windows").isNotEmpty();
            assertThat(got.outputs()).filteredOn(s -> s.startsWith("dead-letter ")).hasSize(2);
            for (int k = 0; k < got.states().size(); k++) {
                assertThat(got.states().get(k)).as("series %d", k).isEqualTo(expected.states().get(k));
            }
            assertThat(got.states().get(4)).as("e expired after the upgrade").isNull();
            assertThat(got.timers()).isEqualTo(expected.timers()).isEqualTo(4);
            assertThat(got.entries()).isEqualTo(expected.entries());
            assertThat(got.held()).isEqualTo(expected.held()).containsExactly(1, 2, 3);
            assertThat(h.metrics().rewarms.getCount()).as("a, b and c re-warm for v3 (and f for v2 and v3)")
                    .isGreaterThanOrEqualTo(3);
            return got;
        }
    }

    /**
     * A version number reused for a net of another state size (preloaded GRU H=8 as v2, while the
     * restored series' states were built by the LSTM H=8 v2 of the broadcast state): the series
     * re-warm under the net that serves, instead of stepping it with a state of the wrong size.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aReusedVersionOfAnotherStateSizeReWarmsInsteadOfFailing(String backend) throws Exception {
        ModelRecord gru8 = model(2, 24, CellType.GRU, 8, 6);
        try (ForecastHarness h = restored(backend, List.of(gru8))) {
            int step = SNAPSHOT_AFTER_STEP + 1;
            assertThatCode(() -> h.send(ForecastHarness.obs("a", time(step), wave(step, 0, 50))))
                    .doesNotThrowAnyException();
            Forecast f = h.forecasts().get(h.forecasts().size() - 1);
            assertThat(f.modelVersion).isEqualTo(2);
            assertThat(f.values).doesNotContain(Float.NaN);
            SeriesState a = h.state("a");
            int slot = a.serving().version(0) == 2 ? 0 : 1;
            assertThat(a.serving().state(slot)).as("re-warmed under GRU H=8: h only").hasSize(8);
        }
    }
}
