package io.flowcast.jobs.train;

import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.ServingState;
import io.flowcast.model.online.WindowCutter;
import io.flowcast.model.online.WindowSampler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tests' stand-in for the keyed forecaster's training side, with the model library's classes: per
 * series a {@link ServingState} that {@link ResidualForecaster#append} extends, the window its newest
 * event completes cut by {@link WindowCutter}, and a census record at each series' first event. With
 * {@code sampleLocally} it cuts only what the forecaster of one subtask holding every series would
 * ({@link WindowSampler#localRate}); without, every window (the trainer's own rule must then do all
 * the sampling). The step is known from the start, as with a fixed step in the settings.
 */
final class TrainerInputFeed {

    private final String model;
    private final long stepMillis;
    private final boolean sampleLocally;
    private final ResidualForecaster forecaster;
    private final WindowCutter cutter;
    private final WindowSampler sampler;
    private final Map<String, ServingState> series = new HashMap<>();

    TrainerInputFeed(OnlineRecipe recipe, String model, long stepMillis, boolean sampleLocally) {
        this.model = model;
        this.stepMillis = stepMillis;
        this.sampleLocally = sampleLocally;
        this.forecaster = new ResidualForecaster(false, recipe.season(), recipe.seasons());
        this.cutter = new WindowCutter(recipe);
        this.sampler = WindowSampler.of(recipe);
    }

    /** One event of one series (in time order per series): its census record if it is new, then its window if cut. */
    List<TrainerInput> event(String key, long time, float value) {
        List<TrainerInput> out = new ArrayList<>(2);
        ServingState s = series.get(key);
        if (s == null) {
            s = new ServingState(cutter.historyLength());
            series.put(key, s);
            out.add(TrainerInput.started(model, key, time));
        }
        forecaster.append(s, time, value);
        boolean sampled = !sampleLocally || WindowSampler.priority(key, time) < sampler.localRate(series.size());
        if (sampled && cutter.ready(s)) {
            out.add(TrainerInput.window(model, stepMillis, cutter.cut(s, key)));
        }
        return out;
    }

    int series() {
        return series.size();
    }
}
