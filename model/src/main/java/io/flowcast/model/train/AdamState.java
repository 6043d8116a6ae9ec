package io.flowcast.model.train;

import java.util.Arrays;

/**
 * What an Adam-family optimizer carries between steps: the moment estimates m and v (one float per
 * parameter, same layout as the parameters) and the number of steps taken, which drives the bias
 * correction. Plain arrays so a caller can checkpoint them next to the weights.
 */
public final class AdamState {

    private final float[] m;
    private final float[] v;
    private long steps;

    public AdamState(int parameters) {
        this.m = new float[parameters];
        this.v = new float[parameters];
    }

    /** The live first-moment array. */
    public float[] firstMoment() {
        return m;
    }

    /** The live second-moment array. */
    public float[] secondMoment() {
        return v;
    }

    public long steps() {
        return steps;
    }

    public int size() {
        return m.length;
    }

    /** Restores a checkpoint: copies both moments and sets the step count. */
    public void restore(float[] firstMoment, float[] secondMoment, long stepCount) {
        if (firstMoment.length != m.length || secondMoment.length != v.length) {
            throw new IllegalArgumentException("moments must have " + m.length + " floats each, got "
                    + firstMoment.length + " and " + secondMoment.length);
        }
        if (stepCount < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
        }
        System.arraycopy(firstMoment, 0, m, 0, m.length);
        System.arraycopy(secondMoment, 0, v, 0, v.length);
        steps = stepCount;
    }

    public void copyFrom(AdamState other) {
        restore(other.m, other.v, other.steps);
    }

    /** Back to a fresh start: zero moments, no steps. */
    public void reset() {
        Arrays.fill(m, 0f);
        Arrays.fill(v, 0f);
        steps = 0;
    }

    /**
     * One Adam update of {@code params} from {@code grads} (PyTorch's single-tensor algorithm, in
     * its float operation order): optional L2 term {@code g + l2 * p}, {@code m = lerp(m, g, 1 - beta1)},
     * {@code v = beta2 v + (1 - beta2) g^2}, then {@code p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)}.
     * The scalars are computed in double, as Python does, and rounded once.
     */
    void update(float[] params, float[] grads, AdamSettings s, float l2) {
        if (params.length != m.length || grads.length != m.length) {
            throw new IllegalArgumentException("optimizer state holds " + m.length + " parameters, got "
                    + params.length + " parameters and " + grads.length + " gradients");
        }
        steps++;
        float w1 = (float) (1 - s.beta1());
        float beta2 = (float) s.beta2();
        float w2 = (float) (1 - s.beta2());
        float negStepSize = (float) (-s.learningRate() / (1 - Math.pow(s.beta1(), steps)));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(s.beta2(), steps));
        float eps = (float) s.eps();
        // torch's lerp switches formula at weight 0.5 for accuracy; the branch is loop-invariant.
        boolean smallWeight = w1 < 0.5f;
        for (int i = 0; i < params.length; i++) {
            float p = params[i];
            float g = grads[i] + l2 * p;
            float mi = smallWeight ? m[i] + w1 * (g - m[i]) : g - (g - m[i]) * (1f - w1);
            float vi = v[i] * beta2 + w2 * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = p + negStepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
        }
    }
}
