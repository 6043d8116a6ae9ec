package io.flowcast.model.train;

/**
 * PyTorch's {@code HuberLoss}: with e = p - t, {@code 0.5 e^2} where {@code |e| <= delta}, else
 * {@code delta (|e| - 0.5 delta)}; gradient e, or {@code delta * sign(e)} in the linear part. It
 * keeps MSE's smooth minimum while one outlying target pulls no harder than {@code delta}.
 */
final class HuberLoss implements Loss {

    private final float delta;

    HuberLoss(float delta) {
        if (!(delta > 0f) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("Huber delta must be a positive finite number, got " + delta);
        }
        this.delta = delta;
    }

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
            float a = Math.abs(e);
            if (a <= delta) {
                sum += 0.5 * e * e;
                grad[gradOff + i] = e;
            } else {
                sum += (double) delta * (a - 0.5 * delta);
                grad[gradOff + i] = Math.copySign(delta, e);
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return "Huber(delta=" + delta + ")";
    }
}
