package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelNames;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything that shapes the keyed forecaster, in one place; {@link #toString()} prints all of it so a
 * run's log or output says exactly what ran. The net, its size and its history length come with each
 * model ({@link io.flowcast.model.online.ServingModel}), not from here.
 *
 * @param horizons     forecasts per event, for 1..horizons steps ahead
 * @param features     values per observation (others are dead-lettered); only the first is forecast
 * @param modelNames   which model serves a series
 * @param ensemble     forecast the mean of the serving model and the one before it
 * @param seasonLength steps per season for the version-0 baseline (seasonal naive); 0 = persistence
 * @param gapFactor    a gap longer than this many typical intervals counts as a gap
 * @param resetOnGap   whether such a gap zeroes the recurrent state
 * @param seriesTtl    a series with no event for this long in event time (the watermark passing its
 *                     last event by this much) is cleared: its state and timers, so idle series do
 *                     not hold memory forever; it starts over if it returns. Zero: never cleared.
 */
public record ForecastSettings(int horizons, int features, ModelNames modelNames, boolean ensemble, int seasonLength,
                               double gapFactor, boolean resetOnGap, Duration seriesTtl)
        implements Serializable {

    /** The default {@link #seriesTtl}: a series silent for 30 days of event time is cleared. */
    public static final Duration DEFAULT_SERIES_TTL = Duration.ofDays(30);

    /** The model name of a live job whose series all share one model. */
    public static final String DEFAULT_MODEL = "flowcast";

    public ForecastSettings {
        requireAtLeast("horizons", horizons, 1);
        requireAtLeast("features", features, 1);
        requireAtLeast("seasonLength", seasonLength, 0);
        if (modelNames == null) {
            throw new IllegalArgumentException("model names are required");
        }
        if (seriesTtl == null || seriesTtl.isNegative()) {
            throw new IllegalArgumentException("seriesTtl must be zero (never) or positive, got " + seriesTtl);
        }
        if (!(gapFactor > 1) || !Double.isFinite(gapFactor)) {
            throw new IllegalArgumentException("gapFactor must be a finite number above 1, got " + gapFactor);
        }
    }

    /** 5 horizons, one value per event, one model named {@value #DEFAULT_MODEL}, ensemble, persistence, gaps at 12x. */
    public static ForecastSettings defaults() {
        return new ForecastSettings(5, 1, ModelNames.fixed(DEFAULT_MODEL), true, 0, 12.0, false, DEFAULT_SERIES_TTL);
    }

    public ForecastSettings withHorizons(int value) {
        return new ForecastSettings(value, features, modelNames, ensemble, seasonLength, gapFactor, resetOnGap, seriesTtl);
    }

    public ForecastSettings withFeatures(int value) {
        return new ForecastSettings(horizons, value, modelNames, ensemble, seasonLength, gapFactor, resetOnGap, seriesTtl);
    }

    public ForecastSettings withModelNames(ModelNames value) {
        return new ForecastSettings(horizons, features, value, ensemble, seasonLength, gapFactor, resetOnGap, seriesTtl);
    }

    public ForecastSettings withEnsemble(boolean value) {
        return new ForecastSettings(horizons, features, modelNames, value, seasonLength, gapFactor, resetOnGap, seriesTtl);
    }

    public ForecastSettings withSeasonLength(int value) {
        return new ForecastSettings(horizons, features, modelNames, ensemble, value, gapFactor, resetOnGap, seriesTtl);
    }

    public ForecastSettings withGapRule(double factor, boolean reset) {
        return new ForecastSettings(horizons, features, modelNames, ensemble, seasonLength, factor, reset, seriesTtl);
    }

    /** Idle series cleared after {@code value} of event time (zero: never). */
    public ForecastSettings withSeriesTtl(Duration value) {
        return new ForecastSettings(horizons, features, modelNames, ensemble, seasonLength, gapFactor, resetOnGap, value);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    @Override
    public String toString() {
        return "ForecastSettings{horizons=" + horizons + ", features=" + features + " (the first is forecast)"
                + ", model=" + (modelNames.fixedName() != null ? modelNames.fixedName() : "per file")
                + ", ensemble=" + ensemble
                + ", version 0=" + (seasonLength == 0 ? "persistence" : "seasonal naive, season " + seasonLength + " steps")
                + ", gap=" + gapFactor + "x typical interval" + (resetOnGap ? ", reset on gap" : ", no reset on gap")
                + ", series ttl=" + (seriesTtl.isZero() ? "never" : seriesTtl) + "}";
    }
}
