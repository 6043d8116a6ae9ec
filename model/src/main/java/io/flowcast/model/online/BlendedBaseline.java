package io.flowcast.model.online;

/**
 * The baseline a residual net corrects, per horizon k: {@code a_k * last + b_k * reference} in z
 * units (a missing reference reads as 0, the mean), with {@code a_k, b_k} fitted by least squares
 * on the replay buffer at every fit, robustly: Huber loss with delta {@value #DELTA} z (iteratively
 * reweighted least squares; nearly least absolute deviations), so a few smog episodes or a blizzard
 * do not set the coefficients for every ordinary hour, and the baseline is a median-like forecast
 * for the net to correct. It is a linear skip connection around the net.
 *
 * <p>Why: a net whose target is a small correction learns fast and never has to carry a level
 * through its saturating gates. Which baseline is close depends on the series: NYC taxi at 2.5 h is
 * seasonal (the reference is far better than persistence), Beijing PM2.5 at 6 h is not (persistence
 * is, and damping it towards the mean, {@code a < 1}, is better still). Two fitted numbers per
 * horizon find that on any series; nothing is tuned per data set.
 */
public final class BlendedBaseline {

    /** Huber delta of the fit, in z units. */
    public static final double DELTA = 0.1;
    static final int ITERATIONS = 10;

    private BlendedBaseline() {
    }

    /** Coefficients per horizon: {@code [a_0, b_0, a_1, b_1, ...]}. */
    public static int size(int horizons) {
        return 2 * horizons;
    }

    /** The baseline of horizon {@code k}; a NaN reference reads as 0 (the mean). */
    public static float value(float[] coefficients, int k, float last, float reference) {
        return coefficients[2 * k] * last + coefficients[2 * k + 1] * (Float.isNaN(reference) ? 0f : reference);
    }

    /**
     * Fits the coefficients of every horizon to the present targets (Huber, by IRLS), then replaces
     * every target by its residual over the baseline.
     *
     * @param targets      [samples x horizons], NaN = missing; overwritten with residuals
     * @param baselines    [samples x horizons x 2]: {last, reference}, reference NaN if none
     * @param coefficients receives {@link #size} floats
     */
    public static void fitAndSubtract(int horizons, float[] targets, float[] baselines, float[] coefficients) {
        for (int k = 0; k < horizons; k++) { // start from least squares (all weights 1)
            coefficients[2 * k] = Float.NaN;
        }
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            weightedFit(horizons, targets, baselines, coefficients);
        }
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isNaN(targets[i])) {
                targets[i] -= value(coefficients, i % horizons, baselines[2 * i], baselines[2 * i + 1]);
            }
        }
    }

    /**
     * One weighted least-squares solve per horizon; each row weighs 1 if the current coefficients
     * (NaN: none yet) miss it by at most {@link #DELTA}, else {@code DELTA / |miss|}.
     */
    private static void weightedFit(int horizons, float[] targets, float[] baselines, float[] coefficients) {
        double[] pp = new double[horizons];
        double[] pr = new double[horizons];
        double[] rr = new double[horizons];
        double[] yp = new double[horizons];
        double[] yr = new double[horizons];
        for (int i = 0; i < targets.length; i++) {
            float y = targets[i];
            if (Float.isNaN(y)) {
                continue;
            }
            int k = i % horizons;
            double p = baselines[2 * i];
            double r = Float.isNaN(baselines[2 * i + 1]) ? 0 : baselines[2 * i + 1];
            double w = 1;
            if (!Float.isNaN(coefficients[2 * k])) {
                double miss = Math.abs(y - (coefficients[2 * k] * p + coefficients[2 * k + 1] * r));
                w = miss <= DELTA ? 1 : DELTA / miss;
            }
            pp[k] += w * p * p;
            pr[k] += w * p * r;
            rr[k] += w * r * r;
            yp[k] += w * y * p;
            yr[k] += w * y * r;
        }
        for (int k = 0; k < horizons; k++) {
            double det = pp[k] * rr[k] - pr[k] * pr[k];
            double a;
            double b;
            if (det > 1e-9 * Math.max(1, pp[k] * rr[k])) {
                a = (yp[k] * rr[k] - yr[k] * pr[k]) / det;
                b = (yr[k] * pp[k] - yp[k] * pr[k]) / det;
            } else { // no reference, or one that moves with the last value: persistence alone
                a = pp[k] > 0 ? yp[k] / pp[k] : 1;
                b = 0;
            }
            coefficients[2 * k] = (float) a;
            coefficients[2 * k + 1] = (float) b;
        }
    }
}
