package io.flowcast.model.online;

/**
 * Which training windows reach a model's replay buffer, so that what the trainer receives and holds
 * does not grow with the number of series, and is the same whatever the job's parallelism.
 *
 * <p>Every window has a priority {@code u(key, time)} in [0, 1), a hash of its series key and time:
 * deterministic, uniform, independent between series and between times. A model with {@code K}
 * series (its census: every series counted once when it starts) accepts the windows with
 * {@code u < min(1, perStep / K)}: about {@code perStep} windows per step of the grid whatever K,
 * drawn evenly over the series. The rule depends only on the data, so a backtest is byte-identical
 * at any parallelism.
 *
 * <p>The keyed operator that cuts windows does not know K; it knows how many series it holds itself
 * ({@code k <= K}) and cuts only the windows with {@code u < min(1, MARGIN * perStep / k)}, a
 * superset of what the trainer accepts, so that cutting costs almost nothing per event when there
 * are many series. (A subtask's own count can exceed the census at an event's time only when series
 * start far out of time order; the margin covers the usual skew.)
 */
public final class WindowSampler {

    /** How much wider the cutting side's rate is than the trainer's. */
    public static final int MARGIN = 2;

    private final int perStep;

    /** @param perStep windows a model accepts per step of the grid, about, once it has more series than that */
    public WindowSampler(int perStep) {
        if (perStep <= 0) {
            throw new IllegalArgumentException("perStep must be positive, got " + perStep);
        }
        this.perStep = perStep;
    }

    /** The sampler of a recipe: its replay buffer refills in about eight steps of the grid. */
    public static WindowSampler of(OnlineRecipe recipe) {
        return new WindowSampler(Math.max(1, recipe.replaySamples() / 8));
    }

    public int perStep() {
        return perStep;
    }

    /** The trainer's rate for a model with {@code series} series. */
    public double rate(long series) {
        return series <= perStep ? 1.0 : (double) perStep / series;
    }

    /** The cutting side's rate for a subtask holding {@code localSeries} series. */
    public double localRate(long localSeries) {
        return localSeries <= (long) MARGIN * perStep ? 1.0 : (double) MARGIN * perStep / localSeries;
    }

    /** The priority of the window of {@code key} completed at {@code time}: a hash, uniform in [0, 1). */
    public static double priority(String key, long time) {
        long x = key.hashCode() * 0x9E3779B97F4A7C15L + time;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L; // splitmix64's finaliser
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        x ^= x >>> 31;
        return (x >>> 11) * 0x1.0p-53;
    }

    @Override
    public String toString() {
        return "WindowSampler{perStep=" + perStep + "}";
    }
}
