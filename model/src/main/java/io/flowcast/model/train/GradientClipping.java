package io.flowcast.model.train;

/** PyTorch's {@code clip_grad_norm_} over one flat gradient array. */
public final class GradientClipping {

    /** PyTorch's guard against dividing by a zero norm; it also keeps the clipped norm just under the max. */
    private static final double NORM_EPS = 1e-6;

    private GradientClipping() {
    }

    /** The L2 norm of all gradients together, accumulated in double; NaN or infinite if any gradient is. */
    public static double globalNorm(float[] grads) {
        double sum = 0;
        for (float g : grads) {
            sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when that factor is below 1 (so,
     * as in PyTorch, a norm within 1e-6 under the max is already scaled a hair); returns the norm
     * before clipping. A non-finite norm leaves the gradients as
     * they are (PyTorch would spread the NaN into all of them); callers skip such a step.
     */
    public static double clipByGlobalNorm(float[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be positive, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        clipKnownNorm(grads, norm, maxNorm);
        return norm;
    }

    /** The clipping step alone, for a caller that already has the norm (the trainer checks it first). */
    static void clipKnownNorm(float[] grads, double norm, double maxNorm) {
        double factor = maxNorm / (norm + NORM_EPS);
        if (Double.isFinite(norm) && factor < 1) {
            float f = (float) factor;
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= f;
            }
        }
    }
}
