package io.flowcast.model.train;

/**
 * Hyper-parameters of {@link Adam} and {@link AdamW}, with PyTorch's names and meaning.
 *
 * @param learningRate {@code lr}
 * @param beta1        decay of the first-moment (mean) estimate
 * @param beta2        decay of the second-moment (uncentred variance) estimate
 * @param eps          added to the bias-corrected root of the second moment
 * @param weightDecay  L2 added to the gradient (Adam) or decoupled shrinkage (AdamW); 0 for none
 */
public record AdamSettings(double learningRate, double beta1, double beta2, double eps, double weightDecay) {

    public AdamSettings {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number >= 0, got " + eps);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
    }

    /** PyTorch's defaults besides the learning rate: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamSettings of(double learningRate) {
        return new AdamSettings(learningRate, 0.9, 0.999, 1e-8, 0);
    }

    public AdamSettings withWeightDecay(double decay) {
        return new AdamSettings(learningRate, beta1, beta2, eps, decay);
    }
}
