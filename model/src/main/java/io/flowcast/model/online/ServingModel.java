package io.flowcast.model.online;

import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;

/**
 * One published version of a model: everything a forecaster needs to serve it, and what it was
 * trained on. Made by {@link Retrainer}, carried as bytes by {@link ServingModelFormat} (the value
 * of a {@code models} topic record), served by {@link ResidualForecaster}.
 *
 * <p>The forecast of horizon k (1..H) for a key is {@code inverse(baseline_k + net_k)} in the key's
 * own running scaler (kept with the key's state, never in the model: a model's size does not depend
 * on how many series it serves): the {@link BlendedBaseline} coefficients give the baseline from the last value and
 * the seasonal reference; the net (absent when no net beat the baseline alone) adds a correction.
 * With quantiles the net has three outputs per horizon (p10, p50, p90, horizon-major); a model with
 * quantiles but no net uses {@link #residualQuantiles} instead, the empirical quantiles of the
 * baseline's misses on the replay windows.
 *
 * <p>Arrays and maps are taken as given, never copied: treat a model as immutable once made.
 *
 * @param name              the model's name (the {@code models} record key)
 * @param version           1, 2, ... in publication order
 * @param shape             what the inputs and outputs look like
 * @param net               the residual net; null: the baseline alone
 * @param baseline          {@link BlendedBaseline} coefficients, {@code F x horizon} (F =
 *                          {@value BaselineFeatures#COUNT}, or 2 in models of the first release)
 * @param residualQuantiles with quantiles: {@code horizon x 3} offsets in z units added to the head's
 *                          outputs (zero without a net); empty without quantiles (or for a net
 *                          published without calibration)
 * @param info              what it was trained on and how well it did
 */
public record ServingModel(String name, long version, Shape shape, RecurrentNet net, float[] baseline,
                           float[] residualQuantiles, Info info) {

    /** The quantile levels of a model with quantiles, per horizon, in output order. */
    public static final float[] QUANTILES = {0.1f, 0.5f, 0.9f};

    /**
     * @param horizon   H, steps ahead of the last forecast
     * @param window    L, steps replayed to re-warm a key's state
     * @param season    P, steps per season (0: none)
     * @param seasons   past seasons in the reference median
     * @param quantiles whether the model forecasts p10, p50 and p90
     */
    public record Shape(int horizon, int window, int season, int seasons, boolean quantiles) {

        public Shape {
            if (horizon <= 0 || window <= 0 || season < 0 || (season > 0 && seasons <= 0)) {
                throw new IllegalArgumentException("invalid model shape: horizon " + horizon + ", window " + window
                        + ", season " + season + ", seasons " + seasons);
            }
        }

        public static Shape of(OnlineRecipe recipe) {
            return new Shape(recipe.horizon(), recipe.window(), recipe.season(), recipe.seasons(), recipe.quantiles());
        }

        /**
         * Values per step the forecaster feeds the net: the width of the rows {@link InputRows}
         * writes for this shape (the value, the calendar, and with a season the reference of this
         * step and of every horizon). A net of another width cannot serve this shape.
         */
        public int inputSize() {
            return 1 + CalendarFeatures.SIZE + (season > 0 ? horizon + 1 : 0);
        }

        /** Head outputs per horizon. */
        public int outputsPerHorizon() {
            return quantiles ? QUANTILES.length : 1;
        }

        /** Steps of history a forecaster must keep per key: the re-warm window plus the seasonal look-back. */
        public int ringLength() {
            return window + season * seasons;
        }
    }

    /**
     * @param trainedUpTo     event time (epoch ms) of the newest data the model saw; it serves events after it
     * @param samples         training windows (all keys)
     * @param validationLoss  loss of this model on the newest windows, held out
     * @param baselineLoss    loss of the baseline alone on the same windows
     * @param trainingMillis  wall time of the fit
     */
    public record Info(long trainedUpTo, int samples, double validationLoss, double baselineLoss, long trainingMillis) {
    }

    public ServingModel {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a model needs a name");
        }
        if (version <= 0) {
            throw new IllegalArgumentException("a published model's version is at least 1, got " + version);
        }
        if (!BlendedBaseline.validSize(baseline.length, shape.horizon())) {
            throw new IllegalArgumentException("baseline needs " + BlendedBaseline.size(shape.horizon())
                    + " coefficients (or " + BaselineFeatures.LEGACY_COUNT * shape.horizon()
                    + " from the first release), got " + baseline.length);
        }
        int expectedQuantiles = shape.quantiles() ? shape.horizon() * QUANTILES.length : 0;
        if (residualQuantiles.length != expectedQuantiles && !(net != null && residualQuantiles.length == 0)) {
            throw new IllegalArgumentException("residual quantiles: expected " + expectedQuantiles + ", got "
                    + residualQuantiles.length);
        }
        if (net != null && net.config().outputSize() != shape.horizon() * shape.outputsPerHorizon()) {
            throw new IllegalArgumentException("net has " + net.config().outputSize() + " outputs, the shape needs "
                    + shape.horizon() * shape.outputsPerHorizon());
        }
    }

    /**
     * Why a {@link ResidualForecaster} cannot serve this model, or null if it can: a net must read
     * the rows the forecaster writes for this shape ({@link Shape#inputSize()}). The constructor
     * does not refuse such a model (files written by the first release are read as they are); a
     * server checks this before it takes a model, since a net of another width fails at its first
     * forecast, and again on every restart for as long as the model is held.
     */
    public String servingProblem() {
        if (net != null && net.config().inputSize() != shape.inputSize()) {
            return "net reads " + net.config().inputSize() + " inputs per step, the forecaster feeds "
                    + shape.inputSize() + " (value, " + CalendarFeatures.SIZE + " calendar"
                    + (shape.season() > 0 ? ", " + (shape.horizon() + 1) + " seasonal references" : "") + ")";
        }
        return null;
    }

    /**
     * Same content: weights bit for bit, coefficients and info, except the wall time the
     * fit took (the one field that differs between two runs of the same training).
     */
    public boolean sameContent(ServingModel o) {
        if (!name.equals(o.name) || version != o.version || !shape.equals(o.shape)
                || !info.equals(new Info(o.info.trainedUpTo(), o.info.samples(), o.info.validationLoss(),
                        o.info.baselineLoss(), info.trainingMillis()))
                || !java.util.Arrays.equals(baseline, o.baseline)
                || !java.util.Arrays.equals(residualQuantiles, o.residualQuantiles)
                || (net == null) != (o.net == null) || (net != null && !net.sameWeights(o.net))) {
            return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return "ServingModel{" + name + " v" + version + ", " + (net == null ? "baseline alone" : net.config().toString())
                + ", " + shape + ", " + info + "}";
    }
}
