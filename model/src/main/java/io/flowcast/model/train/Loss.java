package io.flowcast.model.train;

/**
 * A training loss on one row of head outputs (one series at one step). Targets that are NaN are
 * missing: they add nothing to the loss or the gradient, and are not counted in the mean.
 */
public interface Loss {

    /**
     * Returns the sum of the per-element losses over the row's present targets and writes
     * d(sum)/d(prediction) into {@code grad} (0 where the target is missing).
     */
    double rowLoss(float[] pred, int predOff, float[] target, int targetOff, int n, float[] grad, int gradOff);

    /** Mean squared error, PyTorch's {@code MSELoss}. */
    static Loss mse() {
        return new MseLoss();
    }
}
