package io.flowcast.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.online.ServingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upgrades from this release's trainer state, as Flink's own {@code *MigrationTest}s do: the
 * fixtures {@code trainer-heap-snapshot} and {@code trainer-rocksdb-snapshot} are operator-harness
 * snapshots of {@link TrainerFunction} written by this code, holding every kind of its state: replay
 * windows, the model trainer's bytes (census, buffer index, retrainer with a published LSTM H=8
 * version and its trained net), windows and census counts waiting for the watermark, and the
 * timers that drain them. A later build must restore them and publish exactly the versions a run
 * that was never stopped publishes ({@link #theRestoredTrainerPublishesExactlyTheVersionsOfAnUninterruptedRun}).
 *
 * <p>Input ({@link TrainerHarness#inputs}, sampled as one forecaster subtask cuts): {@value #SERIES}
 * hourly series, 14 from hour 0 and the others starting every 3 hours from hour 60; a watermark at
 * the end of every 10th hour; the snapshot after the inputs of hour {@value #SNAPSHOT_AT_HOUR} - 1,
 * when the watermark is at hour 69, so the inputs (and series starts) of hours 70 to 79 wait.
 *
 * <p>The fixtures of the release before the baseline had a dozen inputs per horizon are kept as
 * {@code trainer-*-snapshot-two-input-baseline}: restored, their windows are left out of fits
 * ({@link #aTrainerOfTheTwoInputBaselineReleaseLeavesItsWindowsOutAndGoesOn}).
 *
 * <p><b>Rewriting the fixtures</b> (only when the state format changes on purpose, keeping the old
 * ones as a migration test of their own): {@code mvn -B -o -pl jobs -am test -Dtest=TrainerUpgradeTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dflowcast.writeUpgradeFixtures=true}; the generator,
 * {@link #writeFixtures}, is skipped otherwise.
 *
 * <p><b>A recipe of another net</b> after the upgrade (cell, hidden size: the restored nets no longer
 * fit it): the next fit starts cold and is judged as a first fit, so the new version has the new
 * net; <b>another window</b>: the restored replay windows no longer fit the recipe and are left out
 * of fits until newer windows replace them (docs/reliability.md).
 */
class TrainerUpgradeTest {

    private static final String RESOURCES = "/io/flowcast/jobs/train/";
    private static final int SERIES = 20;
    private static final int HOURS = 150;
    private static final int SNAPSHOT_AT_HOUR = 80;
    private static final int WATERMARK_EVERY = 10;
    private static final long HOUR = TrainerHarness.HOUR;
    private static final IntUnaryOperator START = k -> k < 14 ? 0 : 60 + 3 * (k - 14);

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("heap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static String fixture(String backend) {
        return "trainer-" + backend + "-snapshot";
    }

    private static List<TrainerInput> inputs(TrainingSettings settings) {
        return TrainerHarness.inputs(settings, SERIES, HOURS, START, true);
    }

    private static List<TrainerInput> before(List<TrainerInput> inputs) {
        return inputs.stream().filter(in -> in.time() < SNAPSHOT_AT_HOUR * HOUR).toList();
    }

    private static List<TrainerInput> after(List<TrainerInput> inputs) {
        return inputs.stream().filter(in -> in.time() >= SNAPSHOT_AT_HOUR * HOUR).toList();
    }

    /** Sends the inputs after the snapshot point, then a watermark past them all. */
    private static void finish(TrainerHarness h, List<TrainerInput> inputs) throws Exception {
        h.sendWithWatermarks(after(inputs), WATERMARK_EVERY);
        h.watermark(HOURS * HOUR);
    }

    private static TrainerHarness restored(String backend, TrainingSettings settings) throws Exception {
        return restoredFrom(fixture(backend), backend, settings);
    }

    private static TrainerHarness restoredFrom(String fixture, String backend, TrainingSettings settings)
            throws Exception {
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                Path.of(TrainerUpgradeTest.class.getResource(RESOURCES + fixture).toURI()).toString());
        return new TrainerHarness(settings, backend(backend), snapshot);
    }

    /**
     * The fixtures of the release whose baseline had two inputs per horizon (last value, weekly
     * reference), written by it: their windows carry two baseline inputs per target.
     */
    private static String twoInputFixture(String backend) {
        return "trainer-" + backend + "-snapshot-two-input-baseline";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aTrainerOfTheTwoInputBaselineReleaseLeavesItsWindowsOutAndGoesOn(String backend) throws Exception {
        TrainingSettings settings = TrainerHarness.tiny();
        try (TrainerHarness h = restoredFrom(twoInputFixture(backend), backend, settings)) {
            assertThat(h.replayWindows()).as("the old release's replay windows are restored").hasSizeGreaterThan(30);
            long before = h.trainer().retrainer().published();
            assertThat(before).as("versions published by the old release").isPositive();
            finish(h, inputs(settings));
            // Its windows (two baseline inputs per target) fit no fit of this release: left out until
            // the windows cut since the upgrade are enough for one; then it publishes as before.
            assertThat(h.records()).as("versions published after the upgrade").isNotEmpty();
            for (ModelRecord r : h.records()) {
                assertThat(r.parse().baseline()).as("this release's baseline")
                        .hasSize(io.flowcast.model.online.BlendedBaseline.size(3));
            }
            assertThat(h.records().get(0).parse().version()).isEqualTo(before + 1);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "flowcast.writeUpgradeFixtures", matches = "true")
    void writeFixtures() throws Exception {
        Path dir = Path.of("src/test/resources" + RESOURCES);
        Files.createDirectories(dir);
        for (String backend : List.of("heap", "rocksdb")) {
            try (TrainerHarness h = new TrainerHarness(TrainerHarness.tiny(), backend(backend), null)) {
                h.sendWithWatermarks(before(inputs(TrainerHarness.tiny())), WATERMARK_EVERY);
                Path file = dir.resolve(fixture(backend));
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1), file.toString());
                System.out.printf("wrote %s (%,d bytes)%n", file, Files.size(file));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theFixtureHoldsEveryKindOfTrainerState(String backend) throws Exception {
        try (TrainerHarness h = restored(backend, TrainerHarness.tiny())) {
            assertThat(h.fedUpTo()).as("fed up to the last watermark").isEqualTo(69 * HOUR);
            assertThat(h.replayWindows()).as("replay windows").hasSizeGreaterThan(30);
            assertThat(h.trainer().series()).as("census: the 14 series of hour 0 and those of hours 60..69")
                    .isEqualTo(18);
            assertThat(h.trainer().retrainer().published()).as("versions published before the snapshot").isPositive();
            assertThat(h.trainer().retrainer().serving().net().config().cell()).isEqualTo(CellType.LSTM);
            assertThat(h.pendingCensus()).as("series started at hours 72 and 75, not drained")
                    .containsOnlyKeys(72 * HOUR, 75 * HOUR);
            assertThat(h.pending().windows()).as("windows of hours 70..79, waiting").isNotEmpty()
                    .allMatch(in -> in.time() >= 70 * HOUR && in.time() < 80 * HOUR);
            assertThat(h.harness.numEventTimeTimers()).as("one timer per waiting time stamp")
                    .isEqualTo(h.pendingTimes().size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theRestoredTrainerPublishesExactlyTheVersionsOfAnUninterruptedRun(String backend) throws Exception {
        TrainingSettings settings = TrainerHarness.tiny();
        List<TrainerInput> inputs = inputs(settings);
        List<ModelRecord> expected;
        TrainerHarness.Waiting expectedPending;
        try (TrainerHarness h = new TrainerHarness(settings, backend(backend), null)) {
            h.sendWithWatermarks(before(inputs), WATERMARK_EVERY);
            int published = h.records().size();
            finish(h, inputs);
            expected = h.records().subList(published, h.records().size());
            expectedPending = h.pending();
        }
        try (TrainerHarness h = restored(backend, settings)) {
            finish(h, inputs);
            assertThat(expected).as("versions published after the snapshot point").hasSizeGreaterThanOrEqualTo(2);
            assertThat(h.records()).as("byte for byte, without the fit's wall time").containsExactlyElementsOf(expected);
            assertThat(h.pending().isEmpty()).isTrue();
            assertThat(expectedPending.isEmpty()).isTrue();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    /** The recipe's net changes (LSTM H=8 to GRU H=16) between the snapshot and the restore. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aRecipeOfAnotherCellAndHiddenSizeTrainsTheNewNetCold(String backend) throws Exception {
        TrainingSettings gru = TrainerHarness.tiny().with("cell", "gru").with("hidden", "16");
        try (TrainerHarness h = restored(backend, gru)) {
            long before = h.trainer().retrainer().published();
            finish(h, inputs(gru));
            List<ModelRecord> published = h.records();
            assertThat(published).as("versions after the upgrade").isNotEmpty();
            assertThat(published.get(0).version).as("numbering goes on").isEqualTo(before + 1);
            for (ModelRecord r : published) {
                ServingModel m = r.parse();
                if (m.net() != null) {
                    NetConfig c = m.net().config();
                    assertThat(c.cell()).as("v%d", m.version()).isEqualTo(CellType.GRU);
                    assertThat(c.hiddenSize()).as("v%d", m.version()).isEqualTo(16);
                }
            }
            assertThat(published).as("a net of the new recipe published").anyMatch(r -> parse(r).net() != null);
        }
    }

    /** The recipe's window changes (6 to 8): the old windows no longer fit; versions of the new shape follow. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aRecipeOfAnotherWindowTrainsOnNewWindowsOnly(String backend) throws Exception {
        TrainingSettings wider = TrainerHarness.tiny().with("window", "8");
        try (TrainerHarness h = restored(backend, wider)) {
            finish(h, inputs(wider));
            List<ModelRecord> published = h.records();
            assertThat(published).as("versions after the upgrade").isNotEmpty();
            assertThat(published).allMatch(r -> parse(r).shape().window() == 8);
        }
    }

    private static ServingModel parse(ModelRecord r) {
        try {
            return r.parse();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
