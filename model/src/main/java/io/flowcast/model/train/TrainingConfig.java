package io.flowcast.model.train;

/**
 * Every hyper-parameter of one {@link Trainer#fit} run. Build with {@link #builder()}; defaults
 * are PyTorch's where PyTorch has one.
 *
 * @param epochs             passes over the training samples at most
 * @param batchSize          sequences per update (the last batch of an epoch may be smaller)
 * @param learningRate       the optimizer's lr
 * @param optimizer          Adam or AdamW
 * @param weightDecay        L2 (Adam) or decoupled decay (AdamW); 0 for none
 * @param beta1              first-moment decay
 * @param beta2              second-moment decay
 * @param eps                the optimizer's denominator guard
 * @param clipNorm           maximum global gradient norm; 0 turns clipping off
 * @param loss               training and validation loss
 * @param validationFraction the newest fraction of samples held out for validation, in [0, 1)
 * @param patience           epochs without a validation improvement before stopping
 * @param seed               seeds the per-epoch shuffles
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, OptimizerKind optimizer,
                             double weightDecay, double beta1, double beta2, double eps, double clipNorm,
                             Loss loss, double validationFraction, int patience, long seed) {

    public TrainingConfig {
        if (epochs <= 0 || batchSize <= 0 || patience <= 0) {
            throw new IllegalArgumentException("epochs, batchSize and patience must be positive, got "
                    + epochs + ", " + batchSize + ", " + patience);
        }
        if (optimizer == null || loss == null) {
            throw new IllegalArgumentException("optimizer and loss are required");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be a finite number >= 0 (0: no clipping), got " + clipNorm);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1), got " + validationFraction);
        }
        new AdamSettings(learningRate, beta1, beta2, eps, weightDecay); // validates those five
    }

    public AdamSettings adamSettings() {
        return new AdamSettings(learningRate, beta1, beta2, eps, weightDecay);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate).optimizer(optimizer)
                .weightDecay(weightDecay).betas(beta1, beta2).eps(eps).clipNorm(clipNorm).loss(loss)
                .validationFraction(validationFraction).patience(patience).seed(seed);
    }

    @Override
    public String toString() {
        return "TrainingConfig{epochs=" + epochs + ", batchSize=" + batchSize + ", optimizer=" + optimizer
                + ", learningRate=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + ", weightDecay=" + weightDecay + ", clipNorm=" + (clipNorm == 0 ? "off" : clipNorm)
                + ", loss=" + loss + ", validationFraction=" + validationFraction + ", patience=" + patience
                + ", seed=" + seed + "}";
    }

    /** Mutable builder with the defaults of a small forecasting run. */
    public static final class Builder {
        private int epochs = 20;
        private int batchSize = 32;
        private double learningRate = 1e-3;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private double weightDecay = 0;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double clipNorm = 1.0;
        private Loss loss = Loss.mse();
        private double validationFraction = 0.2;
        private int patience = 5;
        private long seed = 0;

        private Builder() {
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder optimizer(OptimizerKind v) {
            optimizer = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /** 0 turns clipping off. */
        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder loss(Loss v) {
            loss = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(epochs, batchSize, learningRate, optimizer, weightDecay, beta1, beta2, eps,
                    clipNorm, loss, validationFraction, patience, seed);
        }
    }
}
