package io.flowcast.model.train;

/**
 * A mini-batch of equal-length sequences for backpropagation through time, time-major so that each
 * step's inputs are one contiguous [batch x inputSize] block.
 *
 * @param batch         series in the batch (B)
 * @param steps         sequence length (T)
 * @param inputs        [T x B x inputSize]
 * @param targets       {@code allSteps}: [T x B x outputSize]; else [B x outputSize] for the last
 *                      step only (the forecasting case: a window in, the next H values out).
 *                      NaN marks a missing target.
 * @param allSteps      whether the loss covers every step or only the last
 * @param initialStates [B x stateSize], or null for zeros
 */
public record SequenceBatch(int batch, int steps, float[] inputs, float[] targets, boolean allSteps,
                            float[] initialStates) {

    public SequenceBatch {
        if (batch <= 0 || steps <= 0) {
            throw new IllegalArgumentException("batch and steps must be positive, got " + batch + " x " + steps);
        }
        if (inputs.length % (batch * steps) != 0) {
            throw new IllegalArgumentException("inputs length " + inputs.length + " is not a multiple of "
                    + batch + " x " + steps);
        }
        int rows = allSteps ? batch * steps : batch;
        if (targets.length % rows != 0) {
            throw new IllegalArgumentException("targets length " + targets.length + " is not a multiple of "
                    + rows + " rows");
        }
    }

    public int inputSize() {
        return inputs.length / (batch * steps);
    }

    public int outputSize() {
        return targets.length / (allSteps ? batch * steps : batch);
    }

    /** Row index into {@code targets} for series b at step t, or -1 if that step has no loss. */
    public int targetRow(int t, int b) {
        if (allSteps) {
            return t * batch + b;
        }
        return t == steps - 1 ? b : -1;
    }
}
