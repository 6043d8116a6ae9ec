package io.flowcast.model.train;

import io.flowcast.model.RecurrentNet;

/**
 * One guarded optimisation step: BPTT, finiteness check, clipping, optimizer, and a rollback if
 * the update itself overflowed. A step whose loss or any gradient is NaN or infinite is never
 * applied, and neither is one that would leave a weight or a moment non-finite: one bad batch
 * must not poison a model that serves forecasts.
 */
final class SafeUpdate {

    private final RecurrentNet net;
    private final Optimizer optimizer;
    private final Loss loss;
    private final double clipNorm;
    private final int fullSize;
    private final BackpropThroughTime fullBptt;
    /** A second tape for the smaller last batch, so neither tape reshapes every epoch. */
    private BackpropThroughTime lastBptt;
    private final float[] grads;
    private final float[] savedParams;
    private final AdamState savedState;
    private double lastLoss = Double.NaN;

    SafeUpdate(RecurrentNet net, Optimizer optimizer, Loss loss, double clipNorm, int fullSize) {
        this.net = net;
        this.optimizer = optimizer;
        this.loss = loss;
        this.clipNorm = clipNorm;
        this.fullSize = fullSize;
        this.fullBptt = new BackpropThroughTime(net);
        int n = net.parameters().length;
        this.grads = new float[n];
        this.savedParams = new float[n];
        this.savedState = new AdamState(n);
    }

    /**
     * Returns whether the step was applied. Non-finite inputs are the caller's error and raise
     * {@link IllegalArgumentException} (from the tape); everything else non-finite is skipped.
     */
    boolean apply(SequenceBatch batch) {
        lastLoss = bptt(batch.batch()).lossAndGradient(batch, loss, grads);
        double norm = GradientClipping.globalNorm(grads);
        if (!Double.isFinite(lastLoss) || !Double.isFinite(norm)) {
            return false;
        }
        if (clipNorm > 0) {
            GradientClipping.clipKnownNorm(grads, norm, clipNorm);
        }
        float[] params = net.parameters();
        System.arraycopy(params, 0, savedParams, 0, params.length);
        savedState.copyFrom(optimizer.state());
        optimizer.step(params, grads);
        AdamState state = optimizer.state();
        if (!allFinite(params) || !allFinite(state.firstMoment()) || !allFinite(state.secondMoment())) {
            System.arraycopy(savedParams, 0, params, 0, params.length);
            state.copyFrom(savedState);
            return false;
        }
        net.parametersChanged();
        return true;
    }

    /** The loss of the last batch, applied or not. */
    double lastLoss() {
        return lastLoss;
    }

    private BackpropThroughTime bptt(int batch) {
        if (batch == fullSize) {
            return fullBptt;
        }
        if (lastBptt == null) {
            lastBptt = new BackpropThroughTime(net);
        }
        return lastBptt;
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
