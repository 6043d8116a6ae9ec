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

    /** PyTorch's {@code HuberLoss(delta)}: quadratic within {@code delta} of the target, linear beyond. */
    static Loss huber(float delta) {
        return new HuberLoss(delta);
    }

    /**
     * Quantile (pinball) loss; {@code quantilePerOutputColumn[j]} in (0, 1) is the quantile the
     * head's output column j predicts. See {@link #quantileColumns} for the usual horizon x quantile grid.
     */
    static Loss pinball(float[] quantilePerOutputColumn) {
        return new PinballLoss(quantilePerOutputColumn);
    }

    /**
     * The column quantiles of a head that predicts every quantile for each horizon, horizon-major:
     * {@code quantileColumns(2, 0.1f, 0.9f)} is {@code [0.1, 0.9, 0.1, 0.9]}.
     */
    static float[] quantileColumns(int horizons, float... quantiles) {
        if (horizons <= 0) {
            throw new IllegalArgumentException("horizons must be positive, got " + horizons);
        }
        float[] columns = new float[horizons * quantiles.length];
        for (int h = 0; h < horizons; h++) {
            System.arraycopy(quantiles, 0, columns, h * quantiles.length, quantiles.length);
        }
        return columns;
    }
}
