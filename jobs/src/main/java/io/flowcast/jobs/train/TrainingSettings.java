package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.RecipeOverrides;
import java.io.Serializable;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the training path needs to know: the forecast horizon, whether models forecast quantiles,
 * which model each series belongs to, the series' grid step, and overrides of the recipe's defaults.
 * The recipe of a model is {@link OnlineRecipe#defaults(Duration, int, boolean)} for its step plus
 * {@link #overrides}; the step, when not given, is detected from each model's own data
 * ({@link StepDetection}). {@code toString()} prints every field.
 *
 * <p>Overrides are {@code name=value} pairs with the names the accuracy experiments use
 * ({@code NycTaxiOnlineExperiment}): {@code window, season, seasons} (steps), {@code cell, hidden,
 * layers, samples} (replay steps), {@code min} (windows before the first fit), {@code every} (retrain
 * interval: {@code 7d}, {@code 24h}, {@code 90m}, {@code 30s}), {@code first, epochs} (cold and warm
 * epochs), {@code margin, seed, lr, batch, val, patience, clip}. Unknown names and unparsable values
 * are refused when the setting is made, not when a job starts.
 *
 * @param horizon   steps ahead of the last forecast
 * @param quantiles models forecast p10, p50, p90
 * @param models    series key to model name
 * @param step      the grid step of every series; null: detected per model
 * @param overrides recipe overrides, by name (sorted)
 */
public record TrainingSettings(int horizon, boolean quantiles, ModelNames models, Duration step,
                               TreeMap<String, String> overrides) implements Serializable {

    private static final long serialVersionUID = 1L;

    public TrainingSettings {
        if (horizon <= 0) {
            throw new IllegalArgumentException("horizon must be positive, got " + horizon);
        }
        if (models == null) {
            throw new IllegalArgumentException("model names are required");
        }
        if (step != null && (step.isNegative() || step.isZero())) {
            throw new IllegalArgumentException("step must be positive, got " + step);
        }
        overrides = overrides == null ? new TreeMap<>() : new TreeMap<>(overrides);
        RecipeOverrides.apply(OnlineRecipe.defaults(Duration.ofHours(1), horizon), overrides); // refuses bad ones now
    }

    /** Defaults: no quantiles, step detected, no overrides. */
    public static TrainingSettings defaults(int horizon, ModelNames models) {
        return new TrainingSettings(horizon, false, models, null, null);
    }

    public TrainingSettings withQuantiles(boolean quantiles) {
        return new TrainingSettings(horizon, quantiles, models, step, overrides);
    }

    public TrainingSettings withModels(ModelNames models) {
        return new TrainingSettings(horizon, quantiles, models, step, overrides);
    }

    /** A fixed grid step for every model (null: detect). */
    public TrainingSettings withStep(Duration step) {
        return new TrainingSettings(horizon, quantiles, models, step, overrides);
    }

    /** One more override ({@code name=value}, see the class comment). */
    public TrainingSettings with(String name, String value) {
        TreeMap<String, String> more = new TreeMap<>(overrides);
        more.put(name, value);
        return new TrainingSettings(horizon, quantiles, models, step, more);
    }

    /** The recipe of a model whose series step every {@code step}. */
    public OnlineRecipe recipe(Duration step) {
        if (step.compareTo(Duration.ofDays(1)) > 0 && !(overrides.containsKey("season") && overrides.containsKey("window"))) {
            throw new IllegalArgumentException("the default recipe needs a step of at most a day (a week is its season), got "
                    + step + "; override season and window");
        }
        return RecipeOverrides.apply(OnlineRecipe.defaults(step, horizon, quantiles), overrides);
    }

    /** The overrides as the map the constructor copied (sorted by name). */
    public SortedMap<String, String> overrideMap() {
        return java.util.Collections.unmodifiableSortedMap(overrides);
    }

    @Override
    public String toString() {
        return "TrainingSettings{horizon=" + horizon + ", quantiles=" + quantiles + ", models="
                + (models.fixedName() == null ? "per file" : "'" + models.fixedName() + "'")
                + ", step=" + (step == null ? "detected" : step) + ", overrides=" + overrides + "}";
    }
}
