package io.flowcast.model.online;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tests' stand-in for the keyed forecaster's training side: a history per key, every window the
 * recipe can cut, handed to a {@link ModelTrainer} in the job's order (new keys counted first,
 * then each time stamp's windows in key order).
 */
final class WindowFeed {

    private final ResidualForecaster forecaster;
    private final WindowCutter cutter;
    final Map<String, ServingState> keys = new TreeMap<>();

    WindowFeed(OnlineRecipe recipe) {
        this.forecaster = new ResidualForecaster(recipe.ensemble(), recipe.season(), recipe.seasons());
        this.cutter = new WindowCutter(recipe);
    }

    /** Appends one time stamp's values (key, value pairs) and returns the windows they complete. */
    List<TrainingWindow> step(long time, Map<String, Float> values, ModelTrainer... trainers) {
        List<TrainingWindow> out = new ArrayList<>();
        for (Map.Entry<String, Float> e : new TreeMap<>(values).entrySet()) {
            ServingState s = keys.get(e.getKey());
            if (s == null) {
                s = new ServingState(cutter.historyLength());
                keys.put(e.getKey(), s);
                for (ModelTrainer t : trainers) {
                    t.seriesStarted();
                }
            }
            forecaster.append(s, time, e.getValue());
            if (cutter.ready(s)) {
                out.add(cutter.cut(s, e.getKey()));
            }
        }
        return out;
    }

    /** One time stamp through {@code trainer}: the windows offered, then a fit if due. */
    static Retrainer.FitOutcome feed(ModelTrainer trainer, ReplayBuffer.Store store, List<TrainingWindow> windows,
                                     long time) {
        try {
            for (TrainingWindow w : windows) {
                trainer.offer(w, store);
            }
            return trainer.maybeRetrain(time, store);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
