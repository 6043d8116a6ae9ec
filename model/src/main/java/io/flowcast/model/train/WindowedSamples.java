package io.flowcast.model.train;

import java.util.Arrays;

/**
 * Forecasting samples in time order: sample s is a window of {@code steps} inputs (each
 * {@code inputSize} floats) and the {@code outputSize} targets that follow it, scored at the
 * window's last step. Stored flat, sample-major ({@code inputs[(s * steps + t) * inputSize + i]},
 * {@code targets[s * outputSize + o]}), so the trainer copies batches without per-sample objects.
 *
 * <p>Inputs must be finite: they are checked once here, where the message can still name the
 * sample and step. A NaN target means missing: it is left out of loss and gradient.
 * Immutable: the constructor copies its arrays.
 */
public final class WindowedSamples {

    private final int count;
    private final int steps;
    private final int inputSize;
    private final int outputSize;
    private final float[] inputs;
    private final float[] targets;

    /**
     * @param inputs  [count x steps x inputSize], sample-major
     * @param targets [count x outputSize]; NaN marks a missing target
     * @throws IllegalArgumentException if the lengths disagree, an input is NaN or infinite, or a
     *                                  target is infinite
     */
    public WindowedSamples(int steps, int inputSize, int outputSize, float[] inputs, float[] targets) {
        this(steps, inputSize, outputSize, inputs.clone(), targets.clone(), true);
    }

    private WindowedSamples(int steps, int inputSize, int outputSize, float[] inputs, float[] targets,
                            boolean validate) {
        if (steps <= 0 || inputSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("steps, inputSize and outputSize must be positive, got "
                    + steps + ", " + inputSize + ", " + outputSize);
        }
        int perSample = steps * inputSize;
        if (inputs.length % perSample != 0 || targets.length % outputSize != 0
                || inputs.length / perSample != targets.length / outputSize) {
            throw new IllegalArgumentException(inputs.length + " input floats and " + targets.length
                    + " target floats do not make whole samples of " + steps + " x " + inputSize
                    + " inputs and " + outputSize + " targets");
        }
        this.count = targets.length / outputSize;
        this.steps = steps;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.inputs = inputs;
        this.targets = targets;
        if (validate) {
            validate();
        }
    }

    /**
     * Every window of a univariate series: sample s reads {@code series[s .. s+window)} and targets
     * the next {@code horizon} values {@code series[s+window .. s+window+horizon)}.
     */
    public static WindowedSamples fromSeries(float[] series, int window, int horizon) {
        if (window <= 0 || horizon <= 0) {
            throw new IllegalArgumentException("window and horizon must be positive, got " + window + ", " + horizon);
        }
        int n = series.length - window - horizon + 1;
        if (n <= 0) {
            throw new IllegalArgumentException("a series of " + series.length + " values has no window of "
                    + window + " followed by " + horizon + " targets");
        }
        float[] in = new float[n * window];
        float[] out = new float[n * horizon];
        for (int s = 0; s < n; s++) {
            System.arraycopy(series, s, in, s * window, window);
            System.arraycopy(series, s + window, out, s * horizon, horizon);
        }
        return new WindowedSamples(window, 1, horizon, in, out, true);
    }

    private void validate() {
        for (int s = 0; s < count; s++) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < inputSize; i++) {
                    float v = inputs[(s * steps + t) * inputSize + i];
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("sample " + s + " of " + count + ", step " + t
                                + ", feature " + i + ": input is " + v
                                + "; inputs must be finite numbers (impute or drop missing values before training)");
                    }
                }
            }
            for (int o = 0; o < outputSize; o++) {
                if (Float.isInfinite(targets[s * outputSize + o])) {
                    throw new IllegalArgumentException("sample " + s + " of " + count + ", target " + o
                            + " is infinite; use NaN for a missing target");
                }
            }
        }
    }

    /** Samples {@code [from, to)}, copied; already validated, so not checked again. */
    public WindowedSamples slice(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + count + " samples");
        }
        int perSample = steps * inputSize;
        float[] in = Arrays.copyOfRange(inputs, from * perSample, to * perSample);
        float[] out = Arrays.copyOfRange(targets, from * outputSize, to * outputSize);
        return new WindowedSamples(steps, inputSize, outputSize, in, out, false);
    }

    public int count() {
        return count;
    }

    public int steps() {
        return steps;
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /** Targets that are not missing (NaN), over all samples. */
    public long presentTargets() {
        long n = 0;
        for (float y : targets) {
            if (!Float.isNaN(y)) {
                n++;
            }
        }
        return n;
    }

    public float input(int sample, int step, int feature) {
        return inputs[(sample * steps + step) * inputSize + feature];
    }

    public float target(int sample, int output) {
        return targets[sample * outputSize + output];
    }

    /** The backing array; package-private because callers must not write to it. */
    float[] inputArray() {
        return inputs;
    }

    float[] targetArray() {
        return targets;
    }

    @Override
    public String toString() {
        return "WindowedSamples{count=" + count + ", steps=" + steps + ", inputSize=" + inputSize
                + ", outputSize=" + outputSize + "}";
    }
}
