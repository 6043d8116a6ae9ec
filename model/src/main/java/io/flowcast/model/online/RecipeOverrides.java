package io.flowcast.model.online;

import io.flowcast.model.CellType;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.TrainingConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code name=value} changes to an {@link OnlineRecipe}, as the command line's {@code --train} and
 * the experiments take them. One parser, so a setting means the same thing everywhere.
 */
public final class RecipeOverrides {

    /** Every setting that can be overridden. */
    public static final Set<String> NAMES = Set.of("window", "season", "seasons", "residual", "cell", "hidden",
            "layers", "samples", "min", "every", "first", "epochs", "margin", "seed", "lr", "batch", "val", "patience",
            "clip", "wd", "loss");

    private RecipeOverrides() {
    }

    /** {@code base} with every override applied; an unknown name or a bad value is refused, saying which. */
    public static OnlineRecipe apply(OnlineRecipe base, Map<String, String> overrides) {
        OnlineRecipe.Builder b = base.toBuilder();
        TrainingConfig.Builder t = base.training().toBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            set(e.getKey(), e.getValue(), b, t);
        }
        b.training = t.build();
        return b.build();
    }

    private static void set(String name, String v, OnlineRecipe.Builder b, TrainingConfig.Builder t) {
        try {
            switch (name) {
                case "window" -> b.window = Integer.parseInt(v);
                case "season" -> b.season = Integer.parseInt(v);
                case "seasons" -> b.seasons = Integer.parseInt(v);
                case "residual" -> b.residual = Boolean.parseBoolean(v);
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
                case "wd" -> t.weightDecay(Double.parseDouble(v));
                case "loss" -> t.loss(loss(v));
                default -> throw new IllegalArgumentException("unknown recipe setting '" + name + "'; known: "
                        + String.join(", ", new TreeSet<>(NAMES)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("recipe setting " + name + "=" + v + ": not a number", e);
        }
    }

    /** {@code mse} or {@code huber<delta>} ({@code huber1}). */
    private static Loss loss(String v) {
        if (v.equals("mse")) {
            return Loss.mse();
        }
        if (v.startsWith("huber")) {
            return Loss.huber(Float.parseFloat(v.substring(5)));
        }
        throw new IllegalArgumentException("loss " + v + ": use mse or huber<delta>, e.g. huber1");
    }

    /** {@code 7d}, {@code 24h}, {@code 90m}, {@code 30s}, {@code 500ms}, or ISO-8601 ({@code PT6H}). */
    public static Duration duration(String v) {
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
}
