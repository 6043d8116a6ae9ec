package io.flowcast.jobs.train;

import static io.flowcast.jobs.train.TrainerHarness.HOUR;
import static io.flowcast.jobs.train.TrainerHarness.point;
import static io.flowcast.jobs.train.TrainerHarness.tiny;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.online.Retrainer;
import io.flowcast.model.online.ServingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrainerFunctionTest {

    /** What the library alone publishes for the same points, fed in (time, series) order. */
    private static List<ModelRecord> direct(int steps) {
        Retrainer r = new Retrainer("m", tiny().recipe(tiny().step()));
        List<ModelRecord> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (String s : new String[] {"a", "b"}) {
                TrainingPoint p = point(s, t);
                r.observe(p.series, p.time, p.value);
            }
            Retrainer.FitOutcome o = r.maybeRetrain(t * HOUR);
            if (o != null && o.published() != null) {
                out.add(TrainerFunction.record(o.published()));
            }
        }
        return out;
    }

    @Test
    void pointsWaitForTheWatermarkAndAreTrainedInTimeOrderWhateverTheArrivalOrder() throws Exception {
        List<ModelRecord> expected = direct(200);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        try (TrainerHarness h = new TrainerHarness(tiny())) {
            // Series b runs 30 steps ahead of a: the arrival order interleaves differently from the time order.
            for (int t = 0; t < 230; t++) {
                if (t < 200) {
                    h.send(point("b", t));
                }
                if (t >= 30) {
                    h.send(point("a", t - 30));
                }
                if (t == 129) {
                    h.watermark(99 * HOUR); // b is at 129, a at 99
                    assertThat(h.state("m").fedUpTo).isEqualTo(99 * HOUR);
                    assertThat(h.pending("m")).hasSize(30).allMatch(p -> p.series.equals("b") && p.time > 99 * HOUR);
                    assertThat(h.harness.numEventTimeTimers()).isEqualTo(30);
                    assertThat(h.records()).allMatch(r -> r.trainedUpTo <= 99 * HOUR);
                }
            }
            assertThat(h.records()).allMatch(r -> r.trainedUpTo <= 99 * HOUR);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.pending("m")).isEmpty();
            assertThat(h.harness.numEventTimeTimers()).isZero();
            assertThat(h.state("m").fedUpTo).isEqualTo(199 * HOUR);
            assertThat(h.records()).containsExactlyElementsOf(expected); // byte-identical payloads
            assertThat(h.function.metrics().modelsPublished.getCount()).isEqualTo(expected.size());
            assertThat(h.function.metrics().replayKeys()).isEqualTo(2);
            assertThat(h.function.metrics().lateForTraining.getCount()).isZero();
        }
    }

    @Test
    void aPointBehindTheWatermarkIsFedWithTheNextDrainButTriggersNoFit() throws Exception {
        try (TrainerHarness h = new TrainerHarness(tiny())) {
            h.steps(0, 100, 10);
            h.send(new TrainingPoint("m", "c", 50 * HOUR, 1f)); // a new series, behind the watermark (99 h)
            assertThat(h.pending("m")).hasSize(1);
            long fits = h.function.metrics().fits.getCount();
            h.watermark(100 * HOUR);
            assertThat(h.pending("m")).isEmpty();
            assertThat(h.function.metrics().lateForTraining.getCount()).isEqualTo(1);
            assertThat(h.function.metrics().fits.getCount()).isEqualTo(fits);
            assertThat(h.state("m").fedUpTo).isEqualTo(99 * HOUR);
            assertThat(h.state("m").retrainer("m", tiny()).keyCount()).isEqualTo(3);
        }
    }

    @Test
    void aDivergingTrainingNeverReplacesTheServingModel() throws Exception {
        OperatorSubtaskState snapshot;
        ModelRecord lastGood;
        try (TrainerHarness sane = new TrainerHarness(tiny())) {
            sane.steps(0, 200, 10);
            assertThat(sane.records()).isNotEmpty();
            lastGood = sane.records().get(sane.records().size() - 1);
            assertThat(lastGood.parse().net()).as("a net serves after the sane phase").isNotNull();
            snapshot = sane.snapshot(1);
        }
        // Redeployed with an absurd learning rate (the recipe is configuration: the restored trainer uses it).
        TrainingSettings broken = tiny().with("lr", "1e30").with("clip", "0");
        try (TrainerHarness h = new TrainerHarness(broken, null, snapshot)) {
            h.steps(200, 400, 10);
            h.watermark(Long.MAX_VALUE);
            TrainerFunction.Metrics m = h.function.metrics();
            assertThat(m.fits.getCount()).isGreaterThanOrEqualTo(7);
            assertThat(m.fitsDiverged.getCount()).isEqualTo(m.fits.getCount());
            assertThat(m.modelsPublished.getCount()).isZero();
            assertThat(m.fitsKept.getCount()).isEqualTo(m.fits.getCount());
            assertThat(h.records()).isEmpty();
            ServingModel serving = h.state("m").retrainer("m", broken).serving();
            assertThat(serving.version()).isEqualTo(lastGood.version);
            assertThat(TrainerFunction.record(serving)).isEqualTo(lastGood);
            assertThat(h.pending("m")).isEmpty();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
        // The control: the same continuation with the sane recipe publishes.
        try (TrainerHarness h = new TrainerHarness(tiny(), null, snapshot)) {
            h.steps(200, 400, 10);
            assertThat(h.records()).isNotEmpty();
        }
    }

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("hashmap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void stateSurvivesSnapshotAndRestoreAndContinuesIdentically(String backendName) throws Exception {
        OperatorSubtaskState snapshot;
        List<ModelRecord> continued;
        byte[] stateAtSnapshot;
        String finalState;
        try (TrainerHarness h = new TrainerHarness(tiny(), backend(backendName), null)) {
            h.steps(0, 150, 1000); // no watermark inside
            h.watermark(120 * HOUR);
            for (int t = 150; t < 160; t++) {
                h.send(point("a", t)); // a runs ahead: pending points and timers in the snapshot
            }
            assertThat(h.pending("m")).hasSize(2 * 29 + 10);
            snapshot = h.snapshot(1);
            stateAtSnapshot = bytes(h.state("m"));
            int before = h.records().size();
            continueRun(h);
            continued = new ArrayList<>(h.records().subList(before, h.records().size()));
            finalState = summary(h.state("m"));
        }
        assertThat(continued).isNotEmpty();
        try (TrainerHarness h = new TrainerHarness(tiny(), backend(backendName), snapshot)) {
            assertThat(bytes(h.state("m"))).isEqualTo(stateAtSnapshot);
            assertThat(h.pending("m")).hasSize(2 * 29 + 10);
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(29 + 10);
            continueRun(h);
            assertThat(h.records()).containsExactlyElementsOf(continued);
            assertThat(summary(h.state("m"))).isEqualTo(finalState);
        }
    }

    private static void continueRun(TrainerHarness h) throws Exception {
        for (int t = 150; t < 300; t++) {
            if (t >= 160) {
                h.send(point("a", t));
            }
            h.send(point("b", t));
            if (t % 10 == 9) {
                h.watermark(t * HOUR);
            }
        }
        h.watermark(Long.MAX_VALUE);
    }

    /**
     * The state after the run, but for the serving model's wall time (Info.trainingMillis), which is
     * in the retrainer's bytes and differs between any two runs.
     */
    private static String summary(TrainerState s) {
        Retrainer r = s.retrainer("m", tiny());
        return s.fedUpTo + " " + s.step() + " " + s.waiting + " " + r.fits() + " " + r.published() + " "
                + r.keyCount() + " " + java.util.Arrays.hashCode(TrainerFunction.record(r.serving()).payload);
    }

    private static byte[] bytes(TrainerState s) throws Exception {
        var out = new org.apache.flink.core.memory.DataOutputSerializer(1 << 16);
        TrainerStateSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}
