package io.flowcast.model.train;

import java.util.Arrays;

/**
 * The quantile (pinball) loss: output column j predicts quantile {@code q_j}; with e = t - p the
 * loss is {@code max(q e, (q - 1) e)}, so under-prediction costs q per unit and over-prediction
 * {@code 1 - q}, whose minimiser is the q-quantile. Columns typically run horizon-major, e.g.
 * {@code [h1 q.1, h1 q.5, h1 q.9, h2 q.1, ...]}.
 *
 * <p>At e = 0 the gradient is {@code 0.5 - q}: the mean of the two one-sided slopes, which is what
 * PyTorch's autograd gives for {@code torch.maximum} at a tie.
 */
final class PinballLoss implements Loss {

    private final float[] quantiles;

    PinballLoss(float[] quantilePerOutputColumn) {
        if (quantilePerOutputColumn.length == 0) {
            throw new IllegalArgumentException("pinball loss needs at least one quantile");
        }
        for (int j = 0; j < quantilePerOutputColumn.length; j++) {
            float q = quantilePerOutputColumn[j];
            if (!(q > 0f && q < 1f)) {
                throw new IllegalArgumentException("quantile of output column " + j + " must be in (0, 1), got " + q);
            }
        }
        this.quantiles = quantilePerOutputColumn.clone();
    }

    @Override
    public double rowLoss(float[] pred, int predOff, float[] target, int targetOff, int n, float[] grad, int gradOff) {
        if (n != quantiles.length) {
            throw new IllegalArgumentException("pinball loss has " + quantiles.length
                    + " quantile columns but the row has " + n + " outputs");
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float t = target[targetOff + i];
            if (Float.isNaN(t)) {
                grad[gradOff + i] = 0f;
                continue;
            }
            float q = quantiles[i];
            float e = t - pred[predOff + i];
            if (e > 0f) {
                sum += (double) q * e;
                grad[gradOff + i] = -q;
            } else if (e < 0f) {
                sum += (double) (q - 1f) * e;
                grad[gradOff + i] = 1f - q;
            } else {
                grad[gradOff + i] = 0.5f - q;
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return "Pinball(quantiles=" + Arrays.toString(quantiles) + ")";
    }
}
