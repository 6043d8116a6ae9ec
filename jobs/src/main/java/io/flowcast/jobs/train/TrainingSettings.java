package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.model.CellType;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.train.TrainingConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    static final Set<String> NAMES = Set.of("window", "season", "seasons", "cell", "hidden", "layers", "samples",
            "min", "every", "first", "epochs", "margin", "seed", "lr", "batch", "val", "patience", "clip");

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
        OnlineRecipe.Builder probe = OnlineRecipe.defaults(Duration.ofHours(1), horizon).toBuilder();
        TrainingConfig.Builder training = probe.training.toBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            apply(e.getKey(), e.getValue(), probe, training); // refuses unknown names and bad values now
        }
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
        OnlineRecipe base = OnlineRecipe.defaults(step, horizon, quantiles);
        OnlineRecipe.Builder b = base.toBuilder();
        TrainingConfig.Builder training = base.training().toBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            apply(e.getKey(), e.getValue(), b, training);
        }
        b.training = training.build();
        return b.build();
    }

    private static void apply(String name, String v, OnlineRecipe.Builder b, TrainingConfig.Builder t) {
        try {
            switch (name) {
                case "window" -> b.window = Integer.parseInt(v);
                case "season" -> b.season = Integer.parseInt(v);
                case "seasons" -> b.seasons = Integer.parseInt(v);
                case "cell" -> b.cell = CellType.valueOf(v.toUpperCase(Locale.ROOT));
                case "hidden" -> b.hidden = Integer.parseInt(v);
                case "layers" -> b.layers = Integer.parseInt(v);
                case "samples" -> b.replaySamples = Integer.parseInt(v);
                case "min" -> b.minSamples = Integer.parseInt(v);
                case "every" -> b.retrainEvery = duration(v);
                case "first" -> b.firstEpochs = Integer.parseInt(v);
                case "epochs" -> b.warmEpochs = Integer.parseInt(v);
                case "margin" -> b.netMargin = Double.parseDouble(v);
                case "seed" -> b.seed = Long.parseLong(v);
                case "lr" -> t.learningRate(Double.parseDouble(v));
                case "batch" -> t.batchSize(Integer.parseInt(v));
                case "val" -> t.validationFraction(Double.parseDouble(v));
                case "patience" -> t.patience(Integer.parseInt(v));
                case "clip" -> t.clipNorm(Double.parseDouble(v));
                default -> throw new IllegalArgumentException("unknown recipe setting '" + name + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(NAMES)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("recipe setting " + name + "=" + v + ": not a number", e);
        }
    }

    /** {@code 7d}, {@code 24h}, {@code 90m}, {@code 30s}, {@code 500ms}, or ISO-8601 ({@code PT6H}). */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException("duration " + v + ": use 7d, 24h, 90m, 30s, 500ms or PT6H");
        };
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
