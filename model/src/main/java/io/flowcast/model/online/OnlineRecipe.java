package io.flowcast.model.online;

import io.flowcast.model.CellType;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.TrainingConfig;
import java.time.Duration;

/**
 * Every setting of online forecasting with periodic retraining ({@link OnlineForecaster}); the
 * defaults and why are in {@code docs/accuracy-notes.md}. Lengths are in steps of the series' grid.
 *
 * @param horizon          H: the head predicts steps 1..H ahead; the forecast is step H
 * @param window           L: steps per training window (and replayed to re-warm a key's state)
 * @param season           P: seasonal period in steps (one week); 0 = no seasonal lags or residual
 * @param seasons          S: past seasons whose median is the seasonal reference
 * @param residual         targets are z(x[t+k]) - z(r[t+k]), a correction of the seasonal
 *                         reference r (see {@link InputRows})
 *                         instead of z(x[t+k]); needs {@code season > 0}
 * @param cell             recurrent cell
 * @param hidden           hidden units per layer
 * @param layers           recurrent layers
 * @param replaySamples    replay: the buffer holds at most this many windows, none older than this
 *                         many steps, a uniform sample over the keys ({@link ReplayBuffer}); with one
 *                         key, every window of the newest {@code replaySamples} steps
 * @param minSamples       windows (all keys) needed before the first model is trained
 * @param retrainEvery     event time between retrains
 * @param firstEpochs      epochs of the first (cold) fit
 * @param warmEpochs       epochs of each later fit, warm-started from the published model
 * @param training         batch, learning rate, loss, validation fraction, patience (epochs and
 *                         seed are set per fit)
 * @param netMargin        a net is published only if its validation loss is below
 *                         {@code (1 - netMargin)} times the baseline's alone: it must pay for itself
 *                         by more than the optimism of picking its best epoch on that same data
 * @param ensemble         forecast the mean of the published model and the one before it
 * @param quantiles        the head forecasts p10, p50 and p90 per horizon (pinball loss); the
 *                         point forecast is p50
 * @param seed             weight initialisation and shuffles
 */
public record OnlineRecipe(int horizon, int window, int season, int seasons, boolean residual, CellType cell, int hidden,
                           int layers, int replaySamples, int minSamples, Duration retrainEvery, int firstEpochs,
                           int warmEpochs, TrainingConfig training, double netMargin, boolean ensemble,
                           boolean quantiles, long seed) {

    public OnlineRecipe {
        if (horizon <= 0 || window <= 0 || season < 0 || hidden <= 0 || layers <= 0 || replaySamples <= 0
                || minSamples <= 0 || firstEpochs <= 0 || warmEpochs < 0) {
            throw new IllegalArgumentException("invalid recipe sizes");
        }
        if (season > 0 && seasons <= 0) {
            throw new IllegalArgumentException("seasons must be positive");
        }
        if (residual && season == 0) {
            throw new IllegalArgumentException("residual targets need a seasonal period");
        }
        if (!(netMargin >= 0 && netMargin < 1)) {
            throw new IllegalArgumentException("netMargin must be in [0, 1), got " + netMargin);
        }
        if (retrainEvery == null || retrainEvery.isNegative() || retrainEvery.isZero()) {
            throw new IllegalArgumentException("retrainEvery must be positive");
        }
        if (window > MAX_SERVED_WINDOW) {
            throw new IllegalArgumentException("window of " + window + " steps: at most " + MAX_SERVED_WINDOW
                    + " (a forecaster replays it for every series a new version serves)");
        }
        if (season > 0 && seasons > MAX_SERVED_SEASONS) {
            throw new IllegalArgumentException(seasons + " seasons: at most " + MAX_SERVED_SEASONS);
        }
    }

    /**
     * Longest re-warm window a forecaster serves, in steps: each series replays it through the net at
     * its first event under a new version. A recipe refuses longer ones, so a trainer never publishes a
     * model the forecasters would refuse.
     */
    public static final int MAX_SERVED_WINDOW = 10_000;
    /** Most past seasons in the seasonal reference a forecaster serves (a year of weekly seasons). */
    public static final int MAX_SERVED_SEASONS = 52;

    /** Shortest default window, in steps. */
    public static final int MIN_WINDOW = 24;
    /**
     * Longest default window, in steps: a day of 5-minute data would be 288 steps, and BPTT over
     * that many steps cost 30-45x a 96-step window per fit here, not 3x (gradients that fade over
     * long sequences become subnormal floats, which the CPU handles slowly, and Java cannot flush
     * them to zero). The seasonal reference inputs carry the long memory anyway.
     */
    public static final int MAX_WINDOW = 96;

    /**
     * The defaults for a series sampled every {@code step}, forecasting {@code horizon} steps ahead:
     * season one week, window one day of steps within [{@value #MIN_WINDOW}, {@value #MAX_WINDOW}].
     */
    public static OnlineRecipe defaults(Duration step, int horizon) {
        int perDay = (int) (Duration.ofDays(1).toMillis() / step.toMillis());
        int perWeek = 7 * perDay;
        TrainingConfig training = TrainingConfig.builder().batchSize(32).learningRate(2e-3).loss(Loss.mse())
                .validationFraction(0.1).patience(3).clipNorm(1.0).build();
        return new OnlineRecipe(horizon, Math.max(MIN_WINDOW, Math.min(MAX_WINDOW, perDay)), perWeek, 3, true, CellType.LSTM, 32, 1,
                4000, 1000, Duration.ofDays(7), 20, 4, training, 0.2, true, false, 1L);
    }

    /** Steps the live operator must keep per key: the re-warm window plus the seasonal look-back. */
    public int liveRingLength() {
        return window + season * seasons;
    }

    /** Steps a key keeps when its training windows are cut from its history: look-back, window and targets. */
    public int historyLength() {
        return window + season * seasons + horizon;
    }

    public int inputSize() {
        return 1 + io.flowcast.model.features.CalendarFeatures.SIZE + (season > 0 ? horizon + 1 : 0);
    }

    /** Head outputs: one per horizon, or three (p10, p50, p90) with quantiles. */
    public int outputSize() {
        return horizon * (quantiles ? ServingModel.QUANTILES.length : 1);
    }

    /** The step the defaults assume: a day's steps are the window (at least 24), a week the season. */
    public static OnlineRecipe defaults(Duration step, int horizon, boolean quantiles) {
        OnlineRecipe r = defaults(step, horizon);
        if (!quantiles) {
            return r;
        }
        Builder b = r.toBuilder();
        b.quantiles = true;
        b.training = r.training.toBuilder().loss(io.flowcast.model.train.Loss.pinball(
                io.flowcast.model.train.Loss.quantileColumns(horizon, ServingModel.QUANTILES))).build();
        return b.build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copy-with-changes, for experiments. */
    public static final class Builder {
        public int horizon, window, season, seasons, hidden, layers, replaySamples, minSamples, firstEpochs, warmEpochs;
        public boolean residual, ensemble, quantiles;
        public CellType cell;
        public Duration retrainEvery;
        public TrainingConfig training;
        public double netMargin;
        public long seed;

        Builder(OnlineRecipe r) {
            horizon = r.horizon; window = r.window; season = r.season; seasons = r.seasons; residual = r.residual; cell = r.cell;
            hidden = r.hidden; layers = r.layers; replaySamples = r.replaySamples; minSamples = r.minSamples;
            retrainEvery = r.retrainEvery; firstEpochs = r.firstEpochs; warmEpochs = r.warmEpochs;
            training = r.training; netMargin = r.netMargin; ensemble = r.ensemble; quantiles = r.quantiles;
            seed = r.seed;
        }

        public OnlineRecipe build() {
            return new OnlineRecipe(horizon, window, season, seasons, residual, cell, hidden, layers, replaySamples,
                    minSamples, retrainEvery, firstEpochs, warmEpochs, training, netMargin, ensemble, quantiles, seed);
        }
    }
}
