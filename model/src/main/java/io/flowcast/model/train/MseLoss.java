package io.flowcast.model.train;

/** Squared error (p - t)^2 per element; gradient 2 (p - t). */
final class MseLoss implements Loss {

    @Override
    public double rowLoss(float[] pred, int predOff, float[] target, int targetOff, int n, float[] grad, int gradOff) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float t = target[targetOff + i];
            if (Float.isNaN(t)) {
                grad[gradOff + i] = 0f;
                continue;
            }
            float e = pred[predOff + i] - t;
            sum += (double) e * e;
            grad[gradOff + i] = 2f * e;
        }
        return sum;
    }

    @Override
    public String toString() {
        return "MSE";
    }
}
