package io.flowcast.jobs.train;

import static io.flowcast.jobs.train.TrainerHarness.HOUR;
import static io.flowcast.jobs.train.TrainerHarness.MODEL;
import static io.flowcast.jobs.train.TrainerHarness.direct;
import static io.flowcast.jobs.train.TrainerHarness.inputs;
import static io.flowcast.jobs.train.TrainerHarness.recipe;
import static io.flowcast.jobs.train.TrainerHarness.tiny;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.online.ModelTrainer;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.TrainingWindow;
import io.flowcast.model.online.WindowSampler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerFunctionTest {

    private static final int SERIES = 16;
    private static final int STEPS = 240;

    /**
     * 16 series starting every 6 steps, 240 steps, cut as one forecaster subtask holding them all
     * would: the census grows while windows flow (a series' windows start 20 steps after it), and
     * from the 8th series (42 h) on the rule, 7 a step, drops windows.
     */
    private static List<TrainerInput> staggered() {
        return inputs(tiny(), SERIES, STEPS, k -> 6 * k, true);
    }

    /** Whether the input is of an even-numbered series (s000, s002, ...). */
    private static boolean even(TrainerInput in) {
        return Integer.parseInt(in.series().substring(1)) % 2 == 0;
    }

    private interface Arrival {
        void run(TrainerHarness h, List<TrainerInput> inputs) throws Exception;
    }

    /** Sends blocks of the given step lengths, each shuffled, with a watermark at each block's last step. */
    private static void shuffledBlocks(TrainerHarness h, List<TrainerInput> inputs, List<Integer> lengths, long seed)
            throws Exception {
        Random random = new Random(seed);
        int from = 0;
        for (int length : lengths) {
            long end = (long) (from + length) * HOUR;
            long start = (long) from * HOUR;
            List<TrainerInput> block = new ArrayList<>(inputs.stream().filter(in -> in.time() >= start && in.time() < end).toList());
            Collections.shuffle(block, random);
            h.send(block);
            h.watermark(end - HOUR);
            from += length;
        }
    }

    private static List<Integer> lengths(int total, int every) {
        List<Integer> out = new ArrayList<>();
        for (int done = 0; done < total; done += every) {
            out.add(Math.min(every, total - done));
        }
        return out;
    }

    private static List<Integer> randomLengths(int total, long seed) {
        Random random = new Random(seed);
        List<Integer> out = new ArrayList<>();
        for (int done = 0; done < total; ) {
            int n = Math.min(1 + random.nextInt(40), total - done);
            out.add(n);
            done += n;
        }
        return out;
    }

    /** The windows the sampling rule accepts: {@code u < min(1, perStep / K)}, K the series started up to the window's time. */
    private static List<TrainingWindow> acceptedByTheRule(List<TrainerInput> inputs, int perStep, boolean censusFirst) {
        List<TrainerInput> ordered = new ArrayList<>(inputs);
        // Per time stamp census records first (or, to show the order matters, last), then windows.
        ordered.sort(Comparator.comparingLong(TrainerInput::time)
                .thenComparing(in -> in.isCensus() != censusFirst));
        List<TrainingWindow> out = new ArrayList<>();
        long census = 0;
        for (TrainerInput in : ordered) {
            if (in.isCensus()) {
                census++;
            } else if (in.window().priority() < Math.min(1.0, (double) perStep / census)) {
                out.add(in.window());
            }
        }
        return out;
    }

    private static ServingModel parse(ModelRecord r) {
        try {
            return r.parse();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void publishesTheLibrarysRecordsWhateverTheArrivalOrderAndWhereverTheWatermarksAre() throws Exception {
        List<TrainerInput> inputs = staggered();
        TrainerHarness.Reference ref = direct(tiny(), inputs);
        List<ModelRecord> expected = ref.records();
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        assertThat(expected).as("a net is published, so payloads carry trained weights").anyMatch(r -> parse(r).net() != null);
        long windows = inputs.stream().filter(in -> !in.isCensus()).count();
        assertThat(acceptedByTheRule(inputs, 7, true)).as("the sampling rule drops windows").hasSizeLessThan((int) windows);

        Map<String, Arrival> arrivals = new LinkedHashMap<>();
        arrivals.put("in order, a watermark after every step", (h, in) -> h.sendWithWatermarks(in, 1));
        arrivals.put("in order, one watermark at the end", TrainerHarness::send);
        arrivals.put("shuffled within 10 steps, a watermark after each", (h, in) -> shuffledBlocks(h, in, lengths(STEPS, 10), 1));
        arrivals.put("shuffled within 1 to 40 steps, a watermark after each",
                (h, in) -> shuffledBlocks(h, in, randomLengths(STEPS, 2), 3));
        arrivals.put("all shuffled, one watermark at the end", (h, in) -> shuffledBlocks(h, in, List.of(STEPS), 4));
        arrivals.put("per time stamp windows before the census, series descending", (h, in) -> {
            List<TrainerInput> adverse = new ArrayList<>(in);
            adverse.sort(Comparator.comparingLong(TrainerInput::time).thenComparing(TrainerInput::isCensus)
                    .thenComparing(TrainerInput::series, Comparator.reverseOrder()));
            h.sendWithWatermarks(adverse, 5);
        });
        arrivals.put("newest first, one watermark at the end", (h, in) -> {
            List<TrainerInput> reversed = new ArrayList<>(in);
            Collections.reverse(reversed);
            h.send(reversed);
        });
        for (Map.Entry<String, Arrival> a : arrivals.entrySet()) {
            try (TrainerHarness h = new TrainerHarness(tiny())) {
                a.getValue().run(h, inputs);
                h.watermark(Long.MAX_VALUE);
                assertThat(h.records()).as(a.getKey()).containsExactlyElementsOf(expected); // byte-identical payloads
                assertThat(h.metrics().modelsPublished.getCount()).as(a.getKey()).isEqualTo(expected.size());
                assertThat(h.metrics().lateForTraining.getCount()).as(a.getKey()).isZero();
                assertThat(h.metrics().seriesStarted.getCount()).as(a.getKey()).isEqualTo(SERIES);
                assertThat(h.metrics().windowsReceived.getCount()).as(a.getKey()).isEqualTo(windows);
                assertThat(h.replayWindows().values().stream().sorted(TrainingWindow::compare).toList())
                        .as(a.getKey()).isEqualTo(ref.replay());
                assertThat(h.trainer().series()).isEqualTo(SERIES);
                assertThat(h.pendingEntries()).as(a.getKey()).isZero();
                assertThat(h.harness.numEventTimeTimers()).as(a.getKey()).isZero();
            }
        }
    }

    @Test
    void inputsWaitForTheWatermarkAndNothingIsLeftPendingOnceItPassedThemAll() throws Exception {
        List<TrainerInput> inputs = staggered();
        TrainerHarness.Reference ref = direct(tiny(), inputs);
        // Even series arrive 30 steps ahead of odd ones: the arrival order interleaves differently from the time order.
        List<TrainerInput> ahead = inputs.stream().filter(in -> even(in)).toList();
        List<TrainerInput> behind = inputs.stream().filter(in -> !even(in)).toList();
        assertThat(ahead).isNotEmpty();
        assertThat(behind).isNotEmpty();
        long watermark = 99 * HOUR;
        try (TrainerHarness h = new TrainerHarness(tiny())) {
            for (int a = 0; a < STEPS + 30; a++) {
                long aheadAt = a * HOUR;
                long behindAt = (a - 30) * HOUR;
                h.send(ahead.stream().filter(in -> in.time() == aheadAt).toList());
                h.send(behind.stream().filter(in -> in.time() == behindAt).toList());
                if (a == 129) {
                    h.watermark(watermark); // ahead is at 129, behind at 99
                    List<TrainerInput> waiting = ahead.stream().filter(in -> in.time() > watermark && in.time() <= aheadAt).toList();
                    assertThat(waiting).isNotEmpty();
                    assertThat(h.pending()).isEqualTo(TrainerHarness.Waiting.of(waiting));
                    List<Long> times = waiting.stream().map(TrainerInput::time).distinct().sorted().toList();
                    assertThat(h.pendingTimes()).containsExactlyElementsOf(times);
                    assertThat(h.pendingEntries()).as("one per window, one per census time stamp")
                            .isEqualTo(TrainerHarness.Waiting.of(waiting).entries());
                    assertThat(h.harness.numEventTimeTimers()).as("one timer per waiting time stamp").isEqualTo(times.size());
                    assertThat(h.fedUpTo()).isEqualTo(inputs.stream().mapToLong(TrainerInput::time)
                            .filter(t -> t <= watermark).max().orElseThrow());
                    List<ModelRecord> upToNow = ref.records().stream().filter(r -> r.trainedUpTo <= watermark).toList();
                    assertThat(upToNow).isNotEmpty();
                    assertThat(h.records()).containsExactlyElementsOf(upToNow);
                }
            }
            assertThat(h.records()).allMatch(r -> r.trainedUpTo <= watermark);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.pending().isEmpty()).isTrue();
            assertThat(h.pendingTimes()).as("every drained entry removed").isEmpty();
            assertThat(h.pendingEntries()).as("every drained input removed").isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
            assertThat(h.fedUpTo()).isEqualTo((STEPS - 1) * HOUR);
            assertThat(h.records()).containsExactlyElementsOf(ref.records());
            // What stays is the bounded part: the replay windows (the library's), the census, the nets.
            int capacity = recipe(tiny()).replaySamples();
            ModelTrainer trainer = h.trainer();
            assertThat(h.replayWindows()).hasSizeLessThanOrEqualTo(capacity).hasSize(trainer.buffer().size());
            assertThat(h.replayWindows().values().stream().sorted(TrainingWindow::compare).toList()).isEqualTo(ref.replay());
            assertThat(trainer.series()).isEqualTo(SERIES);
            assertThat(h.metrics().replayWindows()).isEqualTo(trainer.buffer().size());
        }
    }

    @Test
    void seriesStartingAtOneTimeStampWaitAsOneCount() throws Exception {
        try (TrainerHarness h = new TrainerHarness(tiny())) {
            List<TrainerInput> census = new ArrayList<>();
            for (int k = 0; k < 500; k++) {
                census.add(TrainerInput.started(MODEL, "s" + k, (k < 300 ? 5 : 6) * HOUR));
            }
            h.send(census);
            assertThat(h.pendingCensus()).isEqualTo(new TreeMap<>(Map.of(5 * HOUR, 300L, 6 * HOUR, 200L)));
            assertThat(h.pendingEntries()).as("one entry per time stamp, not per series").isEqualTo(2);
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(2);
            h.watermark(5 * HOUR);
            assertThat(h.metrics().seriesStarted.getCount()).isEqualTo(300);
            assertThat(h.pendingCensus()).containsOnlyKeys(6 * HOUR);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.metrics().seriesStarted.getCount()).isEqualTo(500);
            assertThat(h.pendingEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anInputBehindTheWatermarkIsFedWithTheNextDrainButTriggersNoFit() throws Exception {
        List<TrainerInput> inputs = inputs(tiny(), 4, 100, k -> 0, true);
        // A fifth series whose census and first window arrive after the watermark passed them.
        TrainerInputFeed other = new TrainerInputFeed(recipe(tiny()), MODEL, HOUR, false);
        List<TrainerInput> late = new ArrayList<>();
        for (int t = 10; t < 60 && late.size() < 2; t++) {
            for (TrainerInput in : other.event("late", t * HOUR, TrainerHarness.value(t))) {
                if (late.isEmpty() || !in.isCensus()) {
                    late.add(in);
                }
            }
        }
        assertThat(late).hasSize(2).first().matches(TrainerInput::isCensus);
        try (TrainerHarness h = new TrainerHarness(tiny())) {
            h.sendWithWatermarks(inputs, 10);
            h.watermark(99 * HOUR);
            long fits = h.metrics().fits.getCount();
            long received = h.metrics().windowsReceived.getCount();
            assertThat(fits).isPositive();
            h.send(late);
            assertThat(h.pending()).isEqualTo(TrainerHarness.Waiting.of(late));
            assertThat(h.harness.numEventTimeTimers()).as("both wait for the next watermark").isEqualTo(1);
            h.watermark(100 * HOUR);
            assertThat(h.pending().isEmpty()).isTrue();
            assertThat(h.pendingTimes()).isEmpty();
            assertThat(h.pendingEntries()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
            assertThat(h.metrics().lateForTraining.getCount()).isEqualTo(1);
            assertThat(h.metrics().windowsReceived.getCount()).isEqualTo(received + 1);
            assertThat(h.metrics().fits.getCount()).isEqualTo(fits);
            assertThat(h.fedUpTo()).isEqualTo(99 * HOUR);
            assertThat(h.trainer().series()).isEqualTo(5);
        }
    }

    @Test
    void stateIsBoundedWhateverTheNumberOfSeries() throws Exception {
        int capacity = recipe(tiny()).replaySamples();
        Map<Integer, byte[]> trainerBytes = new TreeMap<>();
        Map<Integer, Long> received = new TreeMap<>();
        Map<Integer, Integer> netRecordBytes = new TreeMap<>();
        for (int n : new int[] {10, 200}) {
            // Every window cut (no sampling on the cutting side): the trainer's rule does it all.
            List<TrainerInput> inputs = inputs(tiny(), n, 150, k -> 0, false);
            try (TrainerHarness h = new TrainerHarness(tiny())) {
                for (int block = 0; block < 15; block++) {
                    long from = block * 10 * HOUR;
                    long to = from + 10 * HOUR;
                    h.send(inputs.stream().filter(in -> in.time() >= from && in.time() < to).toList());
                    h.watermark(to - HOUR);
                    assertThat(h.replayWindows()).as("%d series after %d h", n, to / HOUR).hasSizeLessThanOrEqualTo(capacity);
                    assertThat(h.pendingTimes()).isEmpty();
                    assertThat(h.pendingEntries()).isZero();
                }
                h.watermark(Long.MAX_VALUE);
                assertThat(h.replayWindows()).as("%d series: the buffer is full", n).hasSize(capacity);
                assertThat(h.trainer().series()).isEqualTo(n);
                assertThat(h.harness.numEventTimeTimers()).isZero();
                assertThat(h.records()).as("%d series", n).isNotEmpty();
                // The newest net published (the fitted baseline alone may have replaced it since).
                ModelRecord newestNet = null;
                for (ModelRecord r : h.records()) {
                    if (r.parse().net() != null) {
                        newestNet = r;
                    }
                }
                assertThat(newestNet).as("%d series: a net was published", n).isNotNull();
                // Less the serving model's record, which is a net's or, smaller, the baseline alone's.
                ServingModel serving = h.trainer().retrainer().serving();
                trainerBytes.put(n, java.util.Arrays.copyOf(h.trainerBytes(), h.trainerBytes().length
                        - io.flowcast.model.online.ServingModelFormat.toBytes(serving).length));
                received.put(n, h.metrics().windowsReceived.getCount());
                netRecordBytes.put(n, newestNet.payload.length);
            }
        }
        assertThat(received.get(200)).as("the trainer was given 20 times the windows").isGreaterThan(15 * received.get(10));
        assertThat(trainerBytes.get(200).length).as("model-trainer bytes but the serving model's")
                .isEqualTo(trainerBytes.get(10).length);
        assertThat(netRecordBytes.get(200)).as("a published net's record: nothing in it per series")
                .isEqualTo(netRecordBytes.get(10));
    }

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("hashmap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /** Everything the trainer's state says, but the serving model's fit wall time (which differs between any two runs). */
    private static String summary(TrainerHarness h) throws Exception {
        ModelTrainer t = h.trainer();
        return h.fedUpTo() + " " + t.series() + " " + t.buffer() + " " + t.retrainer().fits() + " "
                + t.retrainer().published() + " " + java.util.Arrays.hashCode(TrainerFunction.record(t.retrainer().serving()).payload)
                + " " + h.replayWindows() + " " + h.pending() + " " + h.pendingTimes() + " " + h.pendingEntries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aRestoredSnapshotContinuesWithExactlyTheSameRecords(String backendName) throws Exception {
        List<TrainerInput> inputs = staggered();
        // Up to 150 h in order without a watermark, a watermark at 120 h, then the even series ahead to 160 h.
        List<TrainerInput> first = new ArrayList<>(inputs.stream().filter(in -> in.time() <= 150 * HOUR).toList());
        List<TrainerInput> ahead = inputs.stream().filter(in -> in.time() > 150 * HOUR && in.time() <= 160 * HOUR
                && even(in)).toList();
        List<TrainerInput> rest = inputs.stream().filter(in -> in.time() > 150 * HOUR && !ahead.contains(in)).toList();
        OperatorSubtaskState snapshot;
        List<ModelRecord> continued;
        byte[] bytesAtSnapshot;
        String stateAtSnapshot;
        int timersAtSnapshot;
        String finalState;
        try (TrainerHarness h = new TrainerHarness(tiny(), backend(backendName), null)) {
            h.send(first);
            h.watermark(120 * HOUR);
            h.send(ahead);
            assertThat(h.pending().size()).isEqualTo(inputs.stream().filter(in -> in.time() > 120 * HOUR
                    && in.time() <= 150 * HOUR).count() + ahead.size());
            timersAtSnapshot = h.harness.numEventTimeTimers();
            assertThat(timersAtSnapshot).as("one per waiting time stamp").isEqualTo(h.pendingTimes().size())
                    .isGreaterThan(30);
            snapshot = h.snapshot(1);
            bytesAtSnapshot = h.trainerBytes();
            stateAtSnapshot = summary(h);
            int before = h.records().size();
            assertThat(before).as("published before the snapshot").isPositive();
            h.sendWithWatermarks(rest, 10);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.records()).as("the uninterrupted run is the library's").containsExactlyElementsOf(direct(tiny(), inputs).records());
            continued = new ArrayList<>(h.records().subList(before, h.records().size()));
            finalState = summary(h);
        }
        assertThat(continued).hasSizeGreaterThanOrEqualTo(2);
        try (TrainerHarness h = new TrainerHarness(tiny(), backend(backendName), snapshot)) {
            assertThat(h.trainerBytes()).isEqualTo(bytesAtSnapshot);
            assertThat(summary(h)).isEqualTo(stateAtSnapshot);
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(timersAtSnapshot);
            h.sendWithWatermarks(rest, 10);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.records()).containsExactlyElementsOf(continued);
            assertThat(summary(h)).isEqualTo(finalState);
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aDivergingRecipeNeverReplacesTheServingModel() throws Exception {
        List<TrainerInput> inputs = inputs(tiny(), 4, 400, k -> 0, true);
        List<TrainerInput> before = inputs.stream().filter(in -> in.time() < 200 * HOUR).toList();
        List<TrainerInput> after = inputs.stream().filter(in -> in.time() >= 200 * HOUR).toList();
        OperatorSubtaskState snapshot;
        ModelRecord lastGood;
        try (TrainerHarness sane = new TrainerHarness(tiny())) {
            sane.sendWithWatermarks(before, 10);
            sane.watermark(199 * HOUR);
            assertThat(sane.records()).isNotEmpty();
            lastGood = sane.records().get(sane.records().size() - 1);
            assertThat(lastGood.parse().net()).as("a net serves after the sane phase").isNotNull();
            snapshot = sane.snapshot(1);
        }
        // Redeployed with an absurd learning rate (the recipe is configuration: the restored trainer uses it).
        TrainingSettings broken = tiny().with("lr", "1e30").with("clip", "0");
        try (TrainerHarness h = new TrainerHarness(broken, null, snapshot)) {
            h.sendWithWatermarks(after, 10);
            h.watermark(Long.MAX_VALUE);
            TrainerFunction.Metrics m = h.metrics();
            assertThat(m.fits.getCount()).isGreaterThanOrEqualTo(7);
            assertThat(m.fitsDiverged.getCount()).isEqualTo(m.fits.getCount());
            // The baseline's least-squares fit does not diverge: where it alone beats the serving net it
            // may be published (and after it the last sane net may come back); a diverged net never.
            assertThat(m.fitsKept.getCount() + m.modelsPublished.getCount()).isEqualTo(m.fits.getCount());
            assertThat(h.records()).hasSize((int) m.modelsPublished.getCount());
            for (ModelRecord r : h.records()) {
                ServingModel published = r.parse();
                assertThat(published.net() == null || published.net().sameWeights(lastGood.parse().net()))
                        .as("no diverged net is published: %s", published).isTrue();
            }
            ServingModel serving = h.trainer().retrainer().serving();
            if (h.records().isEmpty()) {
                assertThat(serving.version()).isEqualTo(lastGood.version);
                assertThat(TrainerFunction.record(serving)).isEqualTo(lastGood);
            }
            assertThat(h.pending().isEmpty()).isTrue();
            assertThat(h.harness.numEventTimeTimers()).isZero();
        }
        // The control: the same continuation with the sane recipe publishes.
        try (TrainerHarness h = new TrainerHarness(tiny(), null, snapshot)) {
            h.sendWithWatermarks(after, 10);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.records()).isNotEmpty();
        }
    }

    static Stream<Arguments> steps() {
        return Stream.of(Arguments.of("fixed step"), Arguments.of("detected step"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void windowsOfAnotherStepAreCountedAndLeftOut(String mode) throws Exception {
        TrainingSettings settings = mode.equals("fixed step") ? tiny() : tiny().withStep(null);
        List<TrainerInput> hourly = inputs(tiny(), 4, 200, k -> 0, true);
        // A half-hourly series of the same model from 40 h on: its census counts, its windows (same shape) must not.
        TrainerInputFeed half = new TrainerInputFeed(recipe(tiny()), MODEL, HOUR / 2, false);
        List<TrainerInput> halfHourly = new ArrayList<>();
        for (int t = 80; t < 400; t++) {
            halfHourly.addAll(half.event("half", t * HOUR / 2, TrainerHarness.value(t)));
        }
        long otherWindows = halfHourly.stream().filter(in -> !in.isCensus()).count();
        assertThat(otherWindows).isGreaterThan(100);
        List<TrainerInput> censusOnly = merged(hourly, halfHourly.stream().filter(TrainerInput::isCensus).toList());
        List<TrainerInput> all = merged(hourly, halfHourly);

        List<ModelRecord> without;
        long received;
        try (TrainerHarness h = new TrainerHarness(settings)) {
            h.sendWithWatermarks(censusOnly, 10);
            h.watermark(Long.MAX_VALUE);
            without = h.records();
            received = h.metrics().windowsReceived.getCount();
            assertThat(h.metrics().windowsOtherStep.getCount()).isZero();
        }
        assertThat(without).hasSizeGreaterThanOrEqualTo(3);
        assertThat(without).isEqualTo(direct(tiny(), censusOnly).records());
        try (TrainerHarness h = new TrainerHarness(settings)) {
            h.sendWithWatermarks(all, 10);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.records()).containsExactlyElementsOf(without);
            assertThat(h.metrics().windowsOtherStep.getCount()).isEqualTo(otherWindows);
            assertThat(h.metrics().windowsReceived.getCount()).isEqualTo(received);
            assertThat(h.replayWindows().values()).noneMatch(w -> w.key().equals("half"));
            assertThat(h.trainer().series()).isEqualTo(5);
            assertThat(h.trainer().buffer().spanMillis()).as("the model's step is the hourly one").isEqualTo(60 * HOUR);
        }
    }

    private static List<TrainerInput> merged(List<TrainerInput> a, List<TrainerInput> b) {
        List<TrainerInput> out = new ArrayList<>(a);
        out.addAll(b);
        out.sort(Comparator.comparingLong(TrainerInput::time)); // stable: each list's own order within a time stamp
        return out;
    }

    /** Samples 40: 5 windows accepted per step; min 1000: no fits (these tests are about sampling). */
    private static TrainingSettings sampling() {
        return tiny().with("samples", "40").with("min", "1000");
    }

    /** The window inputs of {@code inputs}. */
    private static List<TrainerInput> windows(List<TrainerInput> inputs) {
        return inputs.stream().filter(in -> !in.isCensus()).toList();
    }

    @ParameterizedTest(name = "{0} series")
    @ValueSource(ints = {40, 400})
    void theTrainerAcceptsAboutPerStepWindowsPerStepWhateverTheNumberOfSeries(int n) throws Exception {
        TrainingSettings settings = sampling();
        int perStep = WindowSampler.of(recipe(settings)).perStep();
        assertThat(perStep).isEqualTo(5);
        // Every window cut (20 to 25 h: six steps), none sampled on the cutting side: the trainer does it all.
        List<TrainerInput> inputs = inputs(settings, n, 26, k -> 0, false);
        assertThat(windows(inputs)).hasSize(6 * n);
        List<TrainingWindow> accepted = acceptedByTheRule(inputs, perStep, true);
        assertThat(accepted.size()).as("about %d a step", perStep).isBetween(3 * 6, 7 * 6);
        assertThat(accepted.size()).as("the buffer has room (kept = accepted)").isLessThanOrEqualTo(recipe(settings).replaySamples());
        try (TrainerHarness h = new TrainerHarness(settings)) {
            for (int t = 0; t < 26; t++) {
                long time = t * HOUR;
                long keptBefore = h.metrics().windowsKept.getCount();
                h.send(inputs.stream().filter(in -> in.time() == time).toList());
                h.watermark(time);
                assertThat(h.metrics().windowsKept.getCount() - keptBefore).as("kept at %d h", t)
                        .isEqualTo(accepted.stream().filter(w -> w.time() == time).count());
            }
            assertThat(h.metrics().seriesStarted.getCount()).isEqualTo(n);
            assertThat(h.metrics().windowsReceived.getCount()).isEqualTo(6L * n);
            assertThat(h.trainer().series()).isEqualTo(n);
            assertThat(h.replayWindows().values()).containsExactlyInAnyOrderElementsOf(accepted);
        }
    }

    @Test
    void theSeriesThatStartAtATimeStampAreCountedBeforeItsWindows() throws Exception {
        TrainingSettings settings = sampling();
        int perStep = WindowSampler.of(recipe(settings)).perStep();
        // 40 series from step 0 (windows from 20 h on), then 200 more starting at 21 to 27 h, while the first ones' windows flow.
        List<TrainerInput> inputs = inputs(settings, 240, 28, k -> k < 40 ? 0 : 21 + k % 7, false);
        List<TrainingWindow> accepted = acceptedByTheRule(inputs, perStep, true);
        assertThat(accepted.size()).isLessThanOrEqualTo(recipe(settings).replaySamples());
        assertThat(acceptedByTheRule(inputs, perStep, false)).as("the data tells census-first from census-last")
                .isNotEqualTo(accepted);
        try (TrainerHarness h = new TrainerHarness(settings)) {
            // The arrival order a trainer must not follow: per time stamp the windows first (series descending), then the census.
            List<TrainerInput> adverse = new ArrayList<>(inputs);
            adverse.sort(Comparator.comparingLong(TrainerInput::time).thenComparing(TrainerInput::isCensus)
                    .thenComparing(TrainerInput::series, Comparator.reverseOrder()));
            h.send(adverse);
            h.watermark(Long.MAX_VALUE);
            assertThat(h.metrics().seriesStarted.getCount()).isEqualTo(240);
            assertThat(h.metrics().windowsReceived.getCount()).isEqualTo(windows(inputs).size());
            assertThat(h.metrics().windowsKept.getCount()).isEqualTo(accepted.size());
            assertThat(h.trainer().series()).isEqualTo(240);
            assertThat(h.replayWindows().values()).containsExactlyInAnyOrderElementsOf(accepted);
        }
    }

    /**
     * The forecaster may cut any superset of the windows the trainer's rule accepts (its own rate is
     * wider, and how much wider depends on how many series each subtask holds, so on the
     * parallelism). The published records must therefore depend only on the accepted windows and the
     * census: every window cut, the windows one subtask holding every series cuts, and exactly the
     * accepted ones must all give the same records. With 2 accepted per step (samples 16) some steps
     * have no accepted window, so a trainer that fits only at time stamps it was given an input for
     * fits at a different time when the cutting side sends less.
     */
    @Test
    void theRecordsDependOnlyOnTheWindowsTheRuleAccepts() throws Exception {
        TrainingSettings settings = tiny().with("samples", "16").with("min", "12");
        int perStep = WindowSampler.of(recipe(settings)).perStep();
        assertThat(perStep).isEqualTo(2);
        List<TrainerInput> all = inputs(settings, 16, STEPS, k -> 0, false);
        List<TrainerInput> local = inputs(settings, 16, STEPS, k -> 0, true);
        java.util.Set<TrainingWindow> acceptedWindows = new java.util.HashSet<>(acceptedByTheRule(all, perStep, true));
        List<TrainerInput> accepted = all.stream().filter(in -> in.isCensus() || acceptedWindows.contains(in.window())).toList();
        assertThat(local.size()).isLessThan(all.size());
        assertThat(accepted.size()).isLessThan(local.size());
        assertThat(windows(local)).as("the local cut is a superset of the accepted windows")
                .extracting(TrainerInput::window).containsAll(acceptedWindows);

        Map<String, List<ModelRecord>> records = new LinkedHashMap<>();
        for (Map.Entry<String, List<TrainerInput>> e : Map.of("every window", all, "one subtask's cut", local,
                "the accepted windows", accepted).entrySet()) {
            try (TrainerHarness h = new TrainerHarness(settings)) {
                h.sendWithWatermarks(e.getValue(), 10);
                h.watermark(Long.MAX_VALUE);
                assertThat(h.metrics().windowsKept.getCount()).as(e.getKey()).isPositive();
                records.put(e.getKey(), h.records());
            }
        }
        List<ModelRecord> expected = records.get("every window");
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        assertThat(records.get("one subtask's cut")).as("one subtask's cut").containsExactlyElementsOf(expected);
        assertThat(records.get("the accepted windows")).as("the accepted windows").containsExactlyElementsOf(expected);
    }
}
