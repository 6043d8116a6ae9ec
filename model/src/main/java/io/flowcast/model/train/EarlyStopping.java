package io.flowcast.model.train;

/**
 * Tracks the best validation loss and a copy of the weights that reached it. The weights the
 * trainer started from count as epoch 0, so a fit never hands back a net that validates worse
 * than the one it was given.
 */
final class EarlyStopping {

    private final int patience;
    private final float[] best;
    private double bestLoss;
    private int bestEpoch;
    private int sinceBest;

    EarlyStopping(int patience, float[] initialParams, double initialLoss) {
        this.patience = patience;
        this.best = initialParams.clone();
        this.bestLoss = initialLoss;
        this.bestEpoch = 0;
    }

    /** Records an epoch's validation loss; a NaN loss never counts as an improvement. */
    void record(int epoch, double loss, float[] params) {
        if (loss < bestLoss || (Double.isNaN(bestLoss) && !Double.isNaN(loss))) {
            bestLoss = loss;
            bestEpoch = epoch;
            sinceBest = 0;
            System.arraycopy(params, 0, best, 0, best.length);
        } else {
            sinceBest++;
        }
    }

    boolean shouldStop() {
        return sinceBest >= patience;
    }

    double bestLoss() {
        return bestLoss;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    float[] bestParameters() {
        return best;
    }
}
