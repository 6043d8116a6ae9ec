package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.SeriesBuffer;
import io.flowcast.model.online.ServingState;
import io.flowcast.model.online.WindowCutter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * A series' history grows when something needs more of it than it was made with: a model with a
 * longer look-back (serving), or the training windows (a series restored from a job that ran without
 * training). What it held stays held; steps it no longer held must not come back as held.
 *
 * <p>The first release's {@code SeriesBuffer.withCapacity} copied the steps the buffer held but kept
 * {@code count}, so the grown buffer's {@code first()} (count - capacity) reached back over steps
 * that had already been overwritten, and {@code holds()} reported them with time stamp 0 and value
 * 0.0 (never a missing value): the re-warm, the seasonal references and the window cutter read
 * those zeros as data. A buffer now knows how many steps it holds ({@code held()}).
 */
class HistoryGrowthTest {

    private static float value(int i) {
        return 100 + 5 * (float) Math.sin(i * 0.4);
    }

    /** Every step the series' history claims to hold is one of its events: step i at T0 + i minutes. */
    private static void assertHoldsOnlyItsEvents(SeriesBuffer b) {
        for (long i = b.first(); i <= b.last(); i++) {
            assertThat(b.timestamp(i)).as("time of step %d (history holds %d..%d, capacity %d)", i, b.first(), b.last(),
                    b.capacity()).isEqualTo(T0 + i * MINUTE);
            assertThat(b.observed(i)).as("value of step %d", i).isEqualTo(value((int) i));
        }
    }

    @Test
    void aModelWithALongerLookBackNeverMakesTheHistoryHoldStepsItHadLost() throws Exception {
        // persistence before any model: the series keeps 1 step; the model's re-warm window and season need 10
        ForecastSettings settings = ForecastSettings.defaults().withHorizons(TestModels.HORIZON);
        try (ForecastHarness h = new ForecastHarness(settings)) {
            for (int i = 0; i < 20; i++) {
                h.send(obs("a", T0 + i * MINUTE, value(i)));
            }
            assertThat(h.state("a").serving().buffer().capacity()).isEqualTo(1);
            h.sendModel(TestModels.record(settings.modelNames().fixedName(), 1, Long.MIN_VALUE, false));

            assertThat(h.send(obs("a", T0 + 20 * MINUTE, value(20))).get(0).modelVersion).isEqualTo(1);

            SeriesBuffer b = h.state("a").serving().buffer();
            assertThat(b.capacity()).as("grown for the model").isGreaterThanOrEqualTo(10);
            assertHoldsOnlyItsEvents(b);
        }
    }

    @Test
    void windowsOfASeriesRestoredFromAJobWithoutTrainingAreCutOnlyFromStepsItHolds() throws Exception {
        ModelNames names = ModelNames.fixed(ForecastSettings.DEFAULT_MODEL);
        ForecastSettings settings = ForecastSettings.defaults().withHorizons(3);
        TrainingSettings training = TrainingSettings.defaults(3, names).withStep(Duration.ofMinutes(1))
                .with("window", "6").with("season", "4").with("seasons", "1"); // a ready window reads nothing older
        OnlineRecipe recipe = training.recipe(Duration.ofMinutes(1));
        // What the cutter cuts from the same series with its whole history held (the scaler sees the same values).
        ResidualForecaster library = new ResidualForecaster(true, 0, 1);
        ServingState whole = new ServingState(recipe.historyLength());
        WindowCutter cutter = new WindowCutter(recipe);
        List<TrainerInput> possible = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(settings)) { // forecast only: a history of 1 step
            for (int i = 0; i < 30; i++) {
                h.send(obs("a", T0 + i * MINUTE, value(i)));
                library.append(whole, T0 + i * MINUTE, value(i));
            }
            snapshot = h.snapshot(1);
        }
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), training, null, snapshot)) {
            for (int i = 30; i < 60; i++) {
                h.send(obs("a", T0 + i * MINUTE, value(i)));
                library.append(whole, T0 + i * MINUTE, value(i));
                if (cutter.ready(whole)) {
                    possible.add(TrainerInput.window(names.fixedName(), MINUTE, cutter.cut(whole, "a")));
                }
            }
            List<TrainerInput> sent = h.training().stream().filter(w -> !w.isCensus()).toList();
            assertThat(sent).as("windows once the grown history holds them").isNotEmpty();
            for (TrainerInput w : sent) {
                assertThat(possible).as("the window sent at %d is one cut from steps the series had", w.time())
                        .contains(w);
            }
            assertHoldsOnlyItsEvents(h.state("a").serving().buffer());
        }
    }
}
