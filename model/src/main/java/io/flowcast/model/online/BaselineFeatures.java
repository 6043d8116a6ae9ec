package io.flowcast.model.online;

import io.flowcast.model.features.StreamingScaler;
import java.util.Arrays;

/**
 * The inputs of the {@link BlendedBaseline} for the forecast of step {@code i + k} made at index
 * {@code i} of a {@link SeriesBuffer}, in z units of the series' running scaler, read only from
 * indices {@code <= i} (no look-ahead, also where the buffer holds later values, as when a training
 * window is cut). {@value #COUNT} per horizon, in this order:
 * <ol>
 * <li>{@code x[i]}, the last value;</li>
 * <li>the weekly reference of step {@code i + k}: the median of {@code x[i+k-P] .. x[i+k-S*P]}
 *     ({@link InputRows#reference});</li>
 * <li>{@code x[i-1]}, {@code x[i-2]}: with the last value, a short autoregression (momentum);</li>
 * <li>the weekly reference of step {@code i} itself, so that "the last value minus what is usual
 *     now" is a linear combination, and with (2) the seasonal-difference forecast
 *     {@code x[i] + r[i+k] - r[i]};</li>
 * <li>the daily reference of step {@code i + k} (median of the same step on the last S days held,
 *     the period being the weekly one over 7) and of step {@code i};</li>
 * <li>yesterday's value of step {@code i + k} and of step {@code i} (the newest day alone);</li>
 * <li>the means of the last 16 and 64 values (at most {@code window + season}): smoothed levels,
 *     what exponential smoothing forecasts on a noisy series;</li>
 * <li>{@code rho * (x[i] - x[i-1])} and {@code rho^2 * (x[i] - x[i-1])}, where {@code rho} is the
 *     series' own lag-1 autocorrelation of its steps over the last 168 (at most {@code window +
 *     season - 2}): momentum, as strong as this series' steps persist. One model serves series whose
 *     steps persist (a transformer's oil temperature, rho about 0.7) and series whose steps are
 *     noise (its loads); a coefficient per horizon on the plain step could only average them, the
 *     series' rho makes it the series' own, with nothing per series in the model. Scaled by the
 *     series' standard deviation only (a difference has no mean).</li>
 * </ol>
 * The first two are the inputs of the first release's two-coefficient baseline, so a model with
 * {@code 2 x horizon} coefficients reads them as it always did. A value not held (or an input whose
 * steps lie after {@code i}) reads as NaN, which the baseline takes as 0, the series' mean. Nothing
 * is read further back than a window's rows and their seasonal references reach ({@code window +
 * season} steps), so a window is the same whether its series holds just that or more history.
 *
 * <p>Why: on hourly data with a strong daily cycle (ETT's loads) the best classical forecasts are
 * seasonal by the day (Holt-Winters, Theta on deseasonalised data), which last value and weekly
 * median cannot express. Least squares over these inputs, fitted per model on the replay windows,
 * finds the mix per horizon; nothing is per series. One instance per thread: it keeps scratch.
 */
public final class BaselineFeatures {

    /** Inputs per horizon. */
    public static final int COUNT = 13;
    /** Inputs per horizon of the first release's baseline (last value, weekly reference). */
    public static final int LEGACY_COUNT = 2;

    private static final int SHORT_MEAN = 16;
    private static final int LONG_MEAN = 64;
    private static final int MOMENTUM_SPAN = 168;
    /** Indices of {reference of step i + k, reference of step i}: weekly, daily. */
    private static final int[][] NEXT_AND_NOW_REFERENCES = {{1, 4}, {5, 6}};

    private final int season;
    private final int seasons;
    private final int shortMean;
    private final int longMean;
    private final int momentumSpan;
    private final int day;
    private final InputRows weekly;
    private final float[] past;
    private final float[] shared = new float[10];
    private final float[] typical;
    private final boolean[] typicalKnown;
    private SeriesBuffer typicalBuffer;
    private long typicalIndex = -1;
    private long typicalCount = -1;
    private SeriesBuffer cachedBuffer;
    private long cachedIndex = -1;
    private long cachedCount = -1;

    /**
     * @param window  L, the net's window: with the season, how far back the means may read
     * @param season  P, steps per week (0: no seasonal inputs)
     * @param seasons S, past seasons (and days) in each median
     */
    public BaselineFeatures(int horizon, int window, int season, int seasons) {
        this.season = season;
        int reach = Math.max(1, window + season);
        this.shortMean = Math.min(SHORT_MEAN, reach);
        this.longMean = Math.min(LONG_MEAN, reach);
        this.momentumSpan = Math.min(MOMENTUM_SPAN, reach - 2);
        this.seasons = Math.max(1, seasons);
        this.day = season > 0 && season % 7 == 0 ? season / 7 : 0;
        this.weekly = season > 0 ? new InputRows(horizon, season, this.seasons) : null;
        this.past = new float[this.seasons];
        this.typical = new float[horizon + 1];
        this.typicalKnown = new boolean[horizon + 1];
    }

    /** The daily period in steps (0: none). */
    public int day() {
        return day;
    }

    /**
     * Writes the {@value #COUNT} raw (unscaled) inputs of horizon {@code k} (1..H) at index {@code i}
     * into {@code out[off..off+COUNT)}; NaN where none.
     */
    public void writeRaw(SeriesBuffer b, long i, int k, float[] out, int off) {
        if (b != cachedBuffer || i != cachedIndex || b.count() != cachedCount) {
            computeShared(b, i);
        }
        out[off] = shared[0];
        out[off + 1] = season > 0 && k <= season ? weekly.reference(b, i + k) : Float.NaN;
        out[off + 2] = shared[1];
        out[off + 3] = shared[2];
        out[off + 4] = shared[3];
        out[off + 5] = median(b, i + k, day, i);
        out[off + 6] = shared[4];
        out[off + 7] = day > 0 && k <= day ? filled(b, i + k - day) : Float.NaN;
        out[off + 8] = shared[5];
        out[off + 9] = shared[6];
        out[off + 10] = shared[7];
        out[off + 11] = shared[8];
        out[off + 12] = shared[9];
    }

    /**
     * The inputs that do not depend on the horizon, computed once per event (the forecaster asks for
     * every horizon of up to two models at the same index): kept until the buffer, the index or
     * the buffer's count changes (a buffer only ever grows by appends, so that is its content).
     */
    private void computeShared(SeriesBuffer b, long i) {
        shared[0] = filled(b, i);
        shared[1] = filled(b, i - 1);
        shared[2] = filled(b, i - 2);
        shared[3] = season > 0 ? weekly.reference(b, i) : Float.NaN;
        shared[4] = median(b, i, day, i);
        shared[5] = day > 0 ? filled(b, i - day) : Float.NaN;
        shared[6] = mean(b, i, shortMean);
        shared[7] = mean(b, i, longMean);
        float rho = momentumSpan >= 2 ? stepAutocorrelation(b, i, momentumSpan) : Float.NaN;
        float step = filled(b, i) - filled(b, i - 1);
        shared[8] = rho * step;
        shared[9] = rho * rho * step;
        cachedBuffer = b;
        cachedIndex = i;
        cachedCount = b.count();
    }

    /**
     * The series' typical {@code k}-step change at index {@code i}: the mean of
     * {@code |x[j] - x[j-k]|} over the last {@value #MOMENTUM_SPAN} steps (as far as the window and
     * season reach); NaN if the history holds too little.
     */
    public float typicalChange(SeriesBuffer b, long i, int k) {
        if (k < 1 || k >= typical.length) {
            throw new IllegalArgumentException("horizon " + k + " of 1.." + (typical.length - 1));
        }
        if (b != typicalBuffer || i != typicalIndex || b.count() != typicalCount) {
            Arrays.fill(typicalKnown, false);
            typicalBuffer = b;
            typicalIndex = i;
            typicalCount = b.count();
        }
        if (!typicalKnown[k]) { // each horizon once per event, however many models ask
            typical[k] = meanAbsoluteChange(b, i, k, momentumSpan);
            typicalKnown[k] = true;
        }
        return typical[k];
    }

    private static float meanAbsoluteChange(SeriesBuffer b, long i, int k, int span) {
        if (span < 1 || !b.holds(i - span - k + 1)) {
            return Float.NaN;
        }
        double sum = 0;
        int n = 0;
        for (long j = i; j > i - span; j--) {
            float d = b.filled(j) - b.filled(j - k);
            if (!Float.isNaN(d)) {
                sum += Math.abs(d);
                n++;
            }
        }
        return n == 0 ? Float.NaN : (float) (sum / n);
    }

    /**
     * Whether input {@code f} reads a daily or weekly cycle (the references and yesterday's values);
     * the others (last values, means, momentum) describe the series' recent level and motion.
     */
    public static boolean isSeasonal(int f) {
        return f == 1 || (f >= 4 && f <= 8);
    }

    /**
     * How far the daily or the weekly cycle moves the series from step {@code i} to {@code i + 1}, the
     * larger, in the series' units (0 where neither is held): read from horizon 1's scaled inputs
     * {@code z[off..]} ({@link #write}), the references of the next step and of this one. A ramp the
     * cycle makes every morning is no surprise step.
     */
    public static float seasonalMove(float[] z, int off, StreamingScaler scaler) {
        float move = 0;
        for (int[] pair : NEXT_AND_NOW_REFERENCES) {
            float next = z[off + pair[0]];
            float now = z[off + pair[1]];
            if (!Float.isNaN(next) && !Float.isNaN(now)) {
                move = Math.max(move, Math.abs(scaler.inverse(0, next) - scaler.inverse(0, now)));
            }
        }
        return move;
    }

    /** Inputs that are differences of values: scaled, never shifted by the mean. */
    private static boolean isDifference(int f) {
        return f >= 11;
    }

    /**
     * {@code sum d[j] d[j-1] / sum d[j]^2} over the steps {@code d[j] = x[j] - x[j-1]}, j in
     * {@code (i - span, i]}, clipped to [-1, 1]; NaN if the history holds too little or nothing moves.
     */
    private static float stepAutocorrelation(SeriesBuffer b, long i, int span) {
        if (!b.holds(i - span - 1)) {
            return Float.NaN;
        }
        double lagged = 0;
        double squares = 0;
        float next = b.filled(i) - b.filled(i - 1);
        for (long j = i - 1; j > i - span; j--) {
            float d = b.filled(j) - b.filled(j - 1);
            if (!Float.isNaN(d) && !Float.isNaN(next)) {
                lagged += (double) next * d;
                squares += (double) next * next;
            }
            next = d;
        }
        if (!(squares > 0)) {
            return Float.NaN;
        }
        return (float) Math.max(-1, Math.min(1, lagged / squares));
    }

    /** {@link #writeRaw}, z-scored with {@code scaler} (NaN stays NaN). */
    public void write(SeriesBuffer b, long i, int k, StreamingScaler scaler, float[] out, int off) {
        writeRaw(b, i, k, out, off);
        float zero = scaler.transform(0, 0f);
        for (int f = 0; f < COUNT; f++) {
            float v = out[off + f];
            if (!Float.isNaN(v)) {
                out[off + f] = isDifference(f) ? scaler.transform(0, v) - zero : scaler.transform(0, v);
            }
        }
    }

    private static float filled(SeriesBuffer b, long i) {
        return b.holds(i) ? b.filled(i) : Float.NaN;
    }

    /** Median of the filled values at {@code j - m * period}, m = 1..S, of those held and at most {@code upTo}. */
    private float median(SeriesBuffer b, long j, int period, long upTo) {
        if (period <= 0) {
            return Float.NaN;
        }
        int n = 0;
        for (int m = 1; m <= seasons; m++) {
            long at = j - (long) m * period;
            if (at <= upTo && b.holds(at) && !Float.isNaN(b.filled(at))) {
                float v = b.filled(at);
                int k = n++;
                while (k > 0 && past[k - 1] > v) {
                    past[k] = past[k - 1];
                    k--;
                }
                past[k] = v;
            }
        }
        if (n == 0) {
            return Float.NaN;
        }
        return n % 2 == 1 ? past[n / 2] : 0.5f * (past[n / 2 - 1] + past[n / 2]);
    }

    /** Mean of the filled values of the last {@code n} steps up to {@code i} that are held. */
    private static float mean(SeriesBuffer b, long i, int n) {
        double sum = 0;
        int count = 0;
        for (long j = i; j > i - n; j--) {
            if (!b.holds(j)) {
                break;
            }
            float v = b.filled(j);
            if (!Float.isNaN(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? Float.NaN : (float) (sum / count);
    }
}
