package io.flowcast.model.online;

/**
 * The baseline a residual net corrects, per horizon k: {@code w_k * last + (1 - w_k) * reference},
 * a blend of persistence (the last value) and the seasonal reference, with {@code w_k} in [0, 1]
 * fitted by least squares on the replay buffer at every fit (all in z units).
 *
 * <p>Why: a net whose target is a small correction learns fast and never has to carry a level
 * through its saturating gates. Which baseline is close depends on the series: NYC taxi at 2.5 h
 * is seasonal (reference far better than persistence), Beijing PM2.5 at 6 h is not (persistence
 * far better). Fitting the blend is a one-parameter linear skip connection, not per-data-set tuning.
 */
public final class BlendedBaseline {

    private BlendedBaseline() {
    }

    /** The blend; just {@code last} when there is no reference (NaN). */
    public static float value(float weight, float last, float reference) {
        return Float.isNaN(reference) ? last : weight * last + (1 - weight) * reference;
    }

    /**
     * Fits {@code weights[k]} = argmin over [0, 1] of the squared error of the blend to the present
     * targets of column k, then replaces every target by its residual over the blend.
     *
     * @param targets   [samples x horizons], NaN = missing; overwritten with residuals
     * @param baselines [samples x horizons x 2]: {last, reference}, reference NaN if none
     * @param weights   receives one weight per horizon
     */
    public static void fitAndSubtract(int horizons, float[] targets, float[] baselines, float[] weights) {
        double[] num = new double[horizons];
        double[] den = new double[horizons];
        for (int i = 0; i < targets.length; i++) {
            float y = targets[i];
            float p = baselines[2 * i];
            float r = baselines[2 * i + 1];
            if (Float.isNaN(y) || Float.isNaN(r)) {
                continue;
            }
            int k = i % horizons;
            num[k] += (double) (y - r) * (p - r);
            den[k] += (double) (p - r) * (p - r);
        }
        for (int k = 0; k < horizons; k++) {
            double w = den[k] > 0 ? num[k] / den[k] : 1.0;
            weights[k] = (float) Math.min(1.0, Math.max(0.0, w));
        }
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isNaN(targets[i])) {
                targets[i] -= value(weights[i % horizons], baselines[2 * i], baselines[2 * i + 1]);
            }
        }
    }
}
