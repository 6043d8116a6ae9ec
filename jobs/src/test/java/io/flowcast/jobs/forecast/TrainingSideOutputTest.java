package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.StepDetection;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.ServingState;
import io.flowcast.model.online.WindowCutter;
import io.flowcast.model.online.WindowSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@link ForecastFunction#TRAINING} side output: a census record per series start, and the
 * training windows the model library's {@link WindowCutter} cuts from the series' own history once
 * its step is known, sampled by {@link WindowSampler}. Each expected window is cut here from a
 * {@link ServingState} of the model library fed the same accepted values, independently of the job.
 */
class TrainingSideOutputTest {

    private static final int HORIZON = 3;
    private static final String MODEL = "m";
    private static final ModelNames NAMES = ModelNames.fixed(MODEL);
    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(HORIZON).withModelNames(NAMES);
    /** A small recipe (history 6 + 2 x 4 + 3 = 17 steps) so windows come early. */
    private final TrainingSettings training = TrainingSettings.defaults(HORIZON, NAMES)
            .with("window", "6").with("season", "4").with("seasons", "2");

    private static float value(String key, int i) {
        return i % 11 == 7 ? Float.NaN : (float) (key.length() * 10 + 3 * Math.sin(i * 0.5) + 0.05 * i);
    }

    /**
     * What the forecaster should send for one series: its accepted events fed to a library
     * ServingState as the forecaster's history, and the window the cutter cuts after each event
     * from {@code fromEvent} on (the step known), if ready and sampled below {@code rate}.
     */
    private static final class Reference {
        final ResidualForecaster forecaster = new ResidualForecaster(true, 0, 1);
        final WindowCutter cutter;
        final ServingState state;
        final long stepMillis;
        final List<TrainerInput> windows = new ArrayList<>();
        int ready;
        int events;

        Reference(OnlineRecipe recipe, long stepMillis) {
            this.cutter = new WindowCutter(recipe);
            this.state = new ServingState(recipe.historyLength()); // what a window needs, no more
            this.stepMillis = stepMillis;
        }

        void accept(String key, long time, float value, int fromEvent, double rate) {
            forecaster.append(state, time, value);
            if (events++ >= fromEvent && cutter.ready(state)) {
                ready++;
                if (WindowSampler.priority(key, time) < rate) {
                    windows.add(TrainerInput.window(MODEL, stepMillis, cutter.cut(state, key)));
                }
            }
        }
    }

    private static List<TrainerInput> windows(ForecastHarness h) {
        return h.training().stream().filter(i -> !i.isCensus()).toList();
    }

    private static List<TrainerInput> windowsOf(ForecastHarness h, String key) {
        return windows(h).stream().filter(i -> i.series().equals(key)).toList();
    }

    @Test
    void withoutTrainingSettingsNothingGoesToTraining() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            for (int i = 0; i < 150; i++) {
                h.send(obs("a", T0 + i * MINUTE, value("a", i)));
            }
            assertThat(h.harness.getSideOutput(ForecastFunction.TRAINING)).isNull();
            assertThat(h.state("a").stepMillis()).as("no step detected without training").isZero();
            assertThat(h.state("a").serving().buffer().capacity()).as("no history kept for windows").isLessThan(17);
            assertThat(h.metrics().windowsCut.getCount()).isZero();
        }
    }

    @Test
    void oneCensusRecordPerSeriesStartAtItsFirstAcceptedEvent() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, null)) {
            h.send(obs("c", T0, 1f, 2f)); // wrong width: not a start
            for (int i = 0; i < 30; i++) {
                for (String k : new String[] {"a", "bb", "c"}) {
                    h.send(obs(k, T0 + i * MINUTE + k.length(), value(k, i)));
                    h.send(obs(k, T0 + i * MINUTE + k.length(), 9f)); // duplicate
                    h.send(obs(k, T0 + (i - 1) * MINUTE, 9f)); // late (or, at i = 0, earlier than the first)
                }
            }
            List<TrainerInput> census = h.training().stream().filter(TrainerInput::isCensus).toList();
            assertThat(census).containsExactly(TrainerInput.started(MODEL, "a", T0 + 1),
                    TrainerInput.started(MODEL, "bb", T0 + 2), TrainerInput.started(MODEL, "c", T0 + 1));
            assertThat(census).allSatisfy(c -> assertThat(c.stepMillis()).isZero());
        }
    }

    @Test
    void noWindowBeforeTheStepIsDetectedThenExactlyTheCuttersWindows() throws Exception {
        OnlineRecipe recipe = training.recipe(Duration.ofMinutes(1));
        Reference ref = new Reference(recipe, MINUTE);
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, null)) {
            for (int i = 0; i < 160; i++) {
                long t = T0 + i * MINUTE;
                h.send(obs("a", t, value("a", i)));
                ref.accept("a", t, value("a", i), StepDetection.EVENTS - 1, 1.0);
                if (i < StepDetection.EVENTS - 1) {
                    assertThat(h.state("a").stepMillis()).as("event %d", i).isZero();
                    assertThat(windows(h)).as("no window before the step is known (event %d)", i).isEmpty();
                }
            }
            assertThat(h.state("a").stepMillis()).isEqualTo(MINUTE);
            assertThat(ref.windows).hasSize(160 - (StepDetection.EVENTS - 1));
            assertThat(windows(h)).containsExactlyElementsOf(ref.windows);
            assertThat(windows(h).get(0).window().time()).as("the 101st event completes the first")
                    .isEqualTo(T0 + (StepDetection.EVENTS - 1) * MINUTE);
            assertThat(h.metrics().windowsCut.getCount()).isEqualTo(ref.windows.size());
        }
    }

    /**
     * The first release detected a model's step from the series that sorted first, so a short series
     * named "a" kept a model from ever training. Each series now detects its own step.
     */
    @Test
    void aShortSeriesThatSortsFirstDoesNotHoldBackTheOthersWindows() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, null)) {
            for (int i = 0; i < 160; i++) {
                long t = T0 + i * MINUTE;
                if (i < 20) {
                    h.send(obs("a", t, value("a", i)));
                }
                h.send(obs("z", t, value("z", i)));
            }
            assertThat(h.state("a").stepMillis()).as("20 events: too few to detect a step").isZero();
            assertThat(windows(h)).isNotEmpty().allSatisfy(w -> assertThat(w.series()).isEqualTo("z"));
            assertThat(windows(h)).hasSize(160 - (StepDetection.EVENTS - 1));
        }
    }

    @Test
    void theDetectedStepIsEachSeriesOwnIntervalAndGapsDoNotMoveIt() throws Exception {
        long fiveMinutes = 5 * MINUTE;
        Map<String, Reference> refs = new HashMap<>();
        refs.put("fast", new Reference(training.recipe(Duration.ofMinutes(1)), MINUTE));
        refs.put("slow", new Reference(training.recipe(Duration.ofMinutes(5)), fiveMinutes));
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, null)) {
            long slowTime = T0;
            for (int i = 0; i < 130; i++) {
                long fastTime = T0 + i * MINUTE;
                h.send(obs("fast", fastTime, value("fast", i)));
                refs.get("fast").accept("fast", fastTime, value("fast", i), StepDetection.EVENTS - 1, 1.0);
                // every 5 minutes, with an hour's outage twice and a short step once among the first 101
                slowTime += i == 30 || i == 60 ? 60 * MINUTE : i == 45 ? 2 * MINUTE : fiveMinutes;
                h.send(obs("slow", slowTime, value("slow", i)));
                refs.get("slow").accept("slow", slowTime, value("slow", i), StepDetection.EVENTS - 1, 1.0);
            }
            assertThat(h.state("fast").stepMillis()).isEqualTo(MINUTE);
            assertThat(h.state("slow").stepMillis()).isEqualTo(fiveMinutes);
            assertThat(windowsOf(h, "fast")).isNotEmpty().allSatisfy(w -> assertThat(w.stepMillis()).isEqualTo(MINUTE))
                    .containsExactlyElementsOf(refs.get("fast").windows);
            assertThat(windowsOf(h, "slow")).isNotEmpty()
                    .allSatisfy(w -> assertThat(w.stepMillis()).isEqualTo(fiveMinutes))
                    .containsExactlyElementsOf(refs.get("slow").windows);
        }
    }

    @Test
    void aGivenStepIsUsedFromTheFirstEventWhateverTheSeriesInterval() throws Exception {
        TrainingSettings given = training.withStep(Duration.ofMinutes(1));
        Reference ref = new Reference(given.recipe(Duration.ofMinutes(1)), MINUTE);
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), given, null, null)) {
            for (int i = 0; i < 40; i++) {
                long t = T0 + i * 2 * MINUTE; // every 2 minutes: the given step wins
                h.send(obs("a", t, value("a", i)));
                ref.accept("a", t, value("a", i), 0, 1.0);
            }
            assertThat(h.state("a").stepMillis()).isEqualTo(MINUTE);
            assertThat(windows(h)).hasSize(40 - 12).containsExactlyElementsOf(ref.windows);
            assertThat(windows(h).get(0).window().time()).as("ready once window, season look-back and targets are held")
                    .isEqualTo(T0 + 12 * 2 * MINUTE);
        }
    }

    @Test
    void lateAndDuplicateEventsCutNoWindow() throws Exception {
        TrainingSettings given = training.withStep(Duration.ofMinutes(1));
        Reference ref = new Reference(given.recipe(Duration.ofMinutes(1)), MINUTE);
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), given, null, null)) {
            for (int i = 0; i < 40; i++) {
                long t = T0 + i * MINUTE;
                h.send(obs("a", t, value("a", i)));
                ref.accept("a", t, value("a", i), 0, 1.0);
                int before = h.training().size();
                h.send(obs("a", t, 1000f)); // duplicate
                h.send(obs("a", t - 3 * MINUTE, 1000f)); // late
                assertThat(h.training()).as("event %d", i).hasSize(before);
            }
            assertThat(h.deadLetters()).hasSize(80);
            assertThat(windows(h)).hasSize(40 - 12).containsExactlyElementsOf(ref.windows);
        }
    }

    @Test
    void windowsAreSampledByPriorityOnceTheSubtaskHoldsMoreSeriesThanTheRateCovers() throws Exception {
        // samples=8: the trainer takes 1 window per step, the cutting side twice that over its series
        TrainingSettings sampled = training.withStep(Duration.ofMinutes(1)).with("samples", "8");
        OnlineRecipe recipe = sampled.recipe(Duration.ofMinutes(1));
        WindowSampler sampler = WindowSampler.of(recipe);
        assertThat(sampler.perStep()).isEqualTo(1);
        String[] keys = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
        double rate = sampler.localRate(keys.length);
        assertThat(rate).isEqualTo(0.25);
        Map<String, Reference> refs = new HashMap<>();
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), sampled, null, null)) {
            for (int i = 0; i < 60; i++) {
                for (String k : keys) {
                    long t = T0 + i * MINUTE;
                    h.send(obs(k, t, value(k, i) + k.charAt(1)));
                    refs.computeIfAbsent(k, x -> new Reference(recipe, MINUTE)).accept(k, t, value(k, i) + k.charAt(1), 0,
                            rate);
                }
            }
            List<TrainerInput> expected = new ArrayList<>();
            int ready = 0;
            for (String k : keys) {
                expected.addAll(refs.get(k).windows);
                ready += refs.get(k).ready;
                assertThat(windowsOf(h, k)).as(k).containsExactlyElementsOf(refs.get(k).windows);
            }
            assertThat(windows(h)).hasSameSizeAs(expected);
            assertThat(expected.size()).as("the sample drops some windows and keeps some").isBetween(1, ready - 1);
            assertThat(windows(h)).allSatisfy(w -> assertThat(w.window().priority()).isLessThan(rate));
        }
    }

    /**
     * A job that ran without training (histories as short as the forecast needs), restarted from its
     * snapshot with training on: its series detect their step and send windows as a new series does.
     * The step is detected from {@link StepDetection#EVENTS} events held in the history, so a restored
     * series whose history is shorter has it grown first and detects once that many are held.
     */
    @Test
    void aSeriesRestoredFromAJobWithoutTrainingDetectsItsStepOnceTrainingIsOn() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(settings)) {
            for (int i = 0; i < 10; i++) {
                h.send(obs("old", T0 + i * MINUTE, value("old", i)));
            }
            snapshot = h.snapshot(1);
        }
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, snapshot)) {
            for (int i = 10; i < 10 + 2 * StepDetection.EVENTS; i++) {
                h.send(obs("old", T0 + i * MINUTE, value("old", i)));
                h.send(obs("new", T0 + i * MINUTE, value("new", i)));
            }
            assertThat(h.state("new").stepMillis()).as("control: a series that started with training on")
                    .isEqualTo(MINUTE);
            assertThat(windowsOf(h, "new")).isNotEmpty();

            assertThat(h.state("old").stepMillis()).as("step of the restored series after %d more events",
                    2 * StepDetection.EVENTS).isEqualTo(MINUTE);
            assertThat(windowsOf(h, "old")).as("windows of the restored series").isNotEmpty();
        }
    }

    @Test
    void aSeriesStepIsKeptInItsStateAndNotDetectedAgainAfterARestore() throws Exception {
        Reference ref = new Reference(training.recipe(Duration.ofMinutes(1)), MINUTE);
        List<Observation> events = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            events.add(obs("a", T0 + i * MINUTE, value("a", i)));
        }
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, null)) {
            for (int i = 0; i < 110; i++) {
                h.send(events.get(i));
                ref.accept("a", events.get(i).timestamp, events.get(i).values[0], StepDetection.EVENTS - 1, 1.0);
            }
            snapshot = h.snapshot(1);
        }
        try (ForecastHarness restored = new ForecastHarness(settings, List.of(), training, null, snapshot)) {
            assertThat(restored.state("a").stepMillis()).isEqualTo(MINUTE);
            List<TrainerInput> expected = new ArrayList<>();
            for (int i = 110; i < 140; i++) {
                restored.send(events.get(i));
                int before = ref.windows.size();
                ref.accept("a", events.get(i).timestamp, events.get(i).values[0], StepDetection.EVENTS - 1, 1.0);
                expected.addAll(ref.windows.subList(before, ref.windows.size()));
            }
            assertThat(expected).hasSize(30);
            assertThat(restored.training()).as("no census again for a restored series, windows at once")
                    .containsExactlyElementsOf(expected);
        }
    }
}
