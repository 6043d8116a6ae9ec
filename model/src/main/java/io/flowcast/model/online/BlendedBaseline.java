package io.flowcast.model.online;

import java.util.Arrays;

/**
 * The baseline a residual net corrects, per horizon k: a linear combination of the
 * {@link BaselineFeatures} in z units (a missing input reads as 0, the mean), with its
 * coefficients fitted by least squares on the replay buffer at every fit, robustly: Huber loss with delta {@value #DELTA} z (iteratively
 * reweighted least squares; absolute deviations beyond 0.3 standard deviations), so a few smog episodes or a blizzard
 * do not set the coefficients for every ordinary hour, and the baseline is a median-like forecast
 * for the net to correct. It is a linear skip connection around the net.
 *
 * <p>Why: a net whose target is a small correction learns fast and never has to carry a level
 * through its saturating gates. Which baseline is close depends on the series: NYC taxi at 2.5 h is
 * seasonal (the reference is far better than persistence), Beijing PM2.5 at 6 h is not (persistence
 * is, and damping it towards the mean, {@code a < 1}, is better still), ETT's loads are seasonal
 * by the day. {@value BaselineFeatures#COUNT} fitted numbers per horizon find that on any series;
 * nothing is tuned per data set.
 *
 * <p>The first release fitted two inputs per horizon ({@code a_k * last + b_k * weekly reference}):
 * a model with {@code 2 x horizon} coefficients is still served, reading the first two inputs.
 */
public final class BlendedBaseline {

    /** Huber delta of the fit, in z units (why this value: docs/accuracy-notes.md, issue 13). */
    public static final double DELTA = 0.3;
    static final int ITERATIONS = 10;
    /** Ridge added to the normal equations, relative to the weights' sum: keeps collinear inputs solvable. */
    static final double RIDGE = 1e-6;

    private BlendedBaseline() {
    }

    /** Coefficients per model of this release: {@value BaselineFeatures#COUNT} per horizon. */
    public static int size(int horizons) {
        return BaselineFeatures.COUNT * horizons;
    }

    /** Whether {@code n} coefficients serve {@code horizons}: this release's count, or the first release's two per horizon. */
    public static boolean validSize(int n, int horizons) {
        return n == size(horizons) || n == BaselineFeatures.LEGACY_COUNT * horizons;
    }

    /**
     * The baseline of horizon {@code k} (0-based) from its inputs {@code features[off..]} (at least
     * as many as the coefficients have per horizon; NaN reads as 0, the mean).
     */
    public static float value(float[] coefficients, int horizons, int k, float[] features, int off) {
        int per = coefficients.length / horizons;
        float sum = 0;
        for (int f = 0; f < per; f++) {
            float x = features[off + f];
            if (!Float.isNaN(x)) {
                sum += coefficients[per * k + f] * x;
            }
        }
        return sum;
    }

    /**
     * Fits the coefficients of every horizon to the present targets (Huber, by IRLS), then replaces
     * every target by its residual over the baseline.
     *
     * @param targets      [samples x horizons], NaN = missing; overwritten with residuals
     * @param baselines    [samples x horizons x F]: the inputs per target, NaN if none
     * @param coefficients receives {@code F x horizons} floats, F = baselines / targets
     */
    public static void fitAndSubtract(int horizons, float[] targets, float[] baselines, float[] coefficients) {
        fitAndSubtract(horizons, targets, baselines, coefficients, targets.length / horizons);
    }

    /**
     * {@link #fitAndSubtract(int, float[], float[], float[])} fitted on the first {@code fitSamples}
     * samples only (the trainer's training part: the validation windows then judge the baseline as
     * they judge the net, on data neither was fitted on); every sample's target becomes a residual.
     */
    public static void fitAndSubtract(int horizons, float[] targets, float[] baselines, float[] coefficients,
                                      int fitSamples) {
        int per = baselines.length / Math.max(1, targets.length);
        if (coefficients.length != per * horizons) {
            throw new IllegalArgumentException(coefficients.length + " coefficients for " + per + " inputs x "
                    + horizons + " horizons");
        }
        int rows = Math.min(targets.length, fitSamples * horizons);
        boolean[] all = new boolean[per];
        Arrays.fill(all, true);
        fit(horizons, per, targets, rows, baselines, coefficients, all);
        if (per == BaselineFeatures.COUNT && rows < targets.length) {
            selectOnHeldOut(horizons, per, targets, rows, baselines, coefficients);
        }
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isNaN(targets[i])) {
                targets[i] -= value(coefficients, horizons, i % horizons, baselines, per * i);
            }
        }
    }

    /**
     * Per horizon, keeps whichever of three baselines misses the held-out rows ({@code rows..}) least
     * in squares: the fit over every input ({@code coefficients}, replaced if another wins), the fit
     * over the inputs that are not seasonal ({@link BaselineFeatures#isSeasonal}), and persistence.
     * A simpler one wins ties. Why: on a series with no daily or weekly cycle (a machine's
     * temperature) the seasonal inputs only add noise to the fit, and on a short series the first
     * fit may not beat the last value at all; picking the form on data none was fitted on is what
     * AutoETS does with its information criterion.
     */
    private static void selectOnHeldOut(int horizons, int per, float[] targets, int rows, float[] baselines,
                                        float[] coefficients) {
        boolean[] local = new boolean[per];
        for (int f = 0; f < per; f++) {
            local[f] = !BaselineFeatures.isSeasonal(f);
        }
        float[] withoutSeason = new float[coefficients.length];
        fit(horizons, per, targets, rows, baselines, withoutSeason, local);
        float[] persistence = new float[coefficients.length];
        for (int k = 0; k < horizons; k++) {
            persistence[per * k] = 1f;
        }
        double[] full = heldOutSquares(horizons, per, targets, rows, baselines, coefficients);
        double[] noSeason = heldOutSquares(horizons, per, targets, rows, baselines, withoutSeason);
        double[] last = heldOutSquares(horizons, per, targets, rows, baselines, persistence);
        for (int k = 0; k < horizons; k++) {
            float[] pick = last[k] <= noSeason[k] && last[k] <= full[k] ? persistence
                    : noSeason[k] <= full[k] ? withoutSeason : null;
            if (pick != null) {
                System.arraycopy(pick, per * k, coefficients, per * k, per);
            }
        }
    }

    /** Per horizon, the sum of squared misses of {@code coefficients} on rows {@code from..}. */
    private static double[] heldOutSquares(int horizons, int per, float[] targets, int from, float[] baselines,
                                           float[] coefficients) {
        double[] sums = new double[horizons];
        for (int i = from; i < targets.length; i++) {
            if (!Float.isNaN(targets[i])) {
                double miss = targets[i] - value(coefficients, horizons, i % horizons, baselines, per * i);
                sums[i % horizons] += miss * miss;
            }
        }
        return sums;
    }

    /** The robust fit (IRLS) over the inputs {@code use} marks; the others get coefficient 0. */
    private static void fit(int horizons, int per, float[] targets, int rows, float[] baselines, float[] coefficients,
                            boolean[] use) {
        boolean[] started = new boolean[horizons]; // the first solve is least squares (all weights 1)
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            weightedFit(horizons, per, targets, rows, baselines, coefficients, started, use);
        }
    }

    /**
     * One weighted least-squares solve per horizon; each row weighs 1 if the current coefficients
     * (none yet: 1) miss it by at most {@link #DELTA}, else {@code DELTA / |miss|}. An input that is
     * never present gets coefficient 0; with no input present at all, persistence ({@code 1, 0, ..}).
     */
    private static void weightedFit(int horizons, int per, float[] targets, int rows, float[] baselines,
                                    float[] coefficients, boolean[] started, boolean[] use) {
        double[][] a = new double[horizons][per * per];
        double[][] y = new double[horizons][per];
        double[] weights = new double[horizons];
        double[] x = new double[per];
        for (int i = 0; i < rows; i++) {
            float t = targets[i];
            if (Float.isNaN(t)) {
                continue;
            }
            int k = i % horizons;
            for (int f = 0; f < per; f++) {
                float v = baselines[per * i + f];
                x[f] = Float.isNaN(v) || !use[f] ? 0 : v;
            }
            double w = 1;
            if (started[k]) {
                double fit = 0;
                for (int f = 0; f < per; f++) {
                    fit += coefficients[per * k + f] * x[f];
                }
                double miss = Math.abs(t - fit);
                w = miss <= DELTA ? 1 : DELTA / miss;
            }
            weights[k] += w;
            double[] ak = a[k];
            for (int f = 0; f < per; f++) {
                double wx = w * x[f];
                y[k][f] += wx * t;
                for (int g = 0; g <= f; g++) {
                    ak[f * per + g] += wx * x[g];
                }
            }
        }
        for (int k = 0; k < horizons; k++) {
            double[] ak = a[k];
            boolean any = false;
            for (int f = 0; f < per; f++) {
                any |= ak[f * per + f] > 0;
            }
            if (!any) { // nothing to fit on: persistence
                for (int f = 0; f < per; f++) {
                    coefficients[per * k + f] = f == 0 ? 1f : 0f;
                }
                continue;
            }
            double ridge = RIDGE * Math.max(1, weights[k]);
            for (int f = 0; f < per; f++) {
                for (int g = 0; g < f; g++) {
                    ak[g * per + f] = ak[f * per + g];
                }
                ak[f * per + f] += ridge;
            }
            double[] c = solve(ak, y[k], per);
            for (int f = 0; f < per; f++) {
                coefficients[per * k + f] = (float) c[f];
            }
            started[k] = true;
        }
    }

    /** Solves the symmetric positive definite system {@code a c = b} (n x n, row-major) by Cholesky. */
    static double[] solve(double[] a, double[] b, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i * n + j];
                for (int m = 0; m < j; m++) {
                    sum -= l[i * n + m] * l[j * n + m];
                }
                if (i == j) {
                    l[i * n + i] = Math.sqrt(Math.max(sum, 1e-300));
                } else {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int m = 0; m < i; m++) {
                sum -= l[i * n + m] * z[m];
            }
            z[i] = sum / l[i * n + i];
        }
        double[] c = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = z[i];
            for (int m = i + 1; m < n; m++) {
                sum -= l[m * n + i] * c[m];
            }
            c[i] = sum / l[i * n + i];
        }
        return c;
    }
}
