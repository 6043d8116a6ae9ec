package io.flowcast.jobs.score;

import java.io.Serializable;
import java.time.Duration;

/**
 * What shapes the scorer, in one place.
 *
 * @param horizons  forecasts held per series, and the longest horizon scored: the forecaster's horizons
 * @param window    matured forecasts per series and horizon that the rolling figures are taken over; also
 *                  the one-step residuals an anomaly band is made of when the model has no quantiles
 * @param seriesTtl a series with no event for this long in event time is cleared, as the forecaster
 *                  clears it (give both the same TTL, so a series that returns starts over in both);
 *                  zero: never cleared
 * @param anomalyZ  half-width of the anomaly band in standard deviations of the one-step error (see
 *                  {@link AnomalyRule})
 * @param modelName the model name the scorer's metrics are labelled with
 */
public record ScoringSettings(int horizons, int window, Duration seriesTtl, double anomalyZ, String modelName)
        implements Serializable {

    /** The default {@link #window}. */
    public static final int DEFAULT_WINDOW = 100;
    /** The default {@link #anomalyZ}: a Gaussian error leaves a band this wide about once in 16,000 steps. */
    public static final double DEFAULT_ANOMALY_Z = 4.0;

    public ScoringSettings {
        if (horizons < 1) {
            throw new IllegalArgumentException("horizons must be at least 1, got " + horizons);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        if (seriesTtl == null || seriesTtl.isNegative()) {
            throw new IllegalArgumentException("seriesTtl must be zero (never) or positive, got " + seriesTtl);
        }
        if (!(anomalyZ > 0) || Double.isInfinite(anomalyZ)) {
            throw new IllegalArgumentException("anomalyZ must be a positive number, got " + anomalyZ);
        }
        if (modelName == null || modelName.isEmpty()) {
            throw new IllegalArgumentException("modelName must not be empty");
        }
    }

    /** The default anomaly band, for model {@code "flowcast"}. */
    public ScoringSettings(int horizons, int window, Duration seriesTtl) {
        this(horizons, window, seriesTtl, DEFAULT_ANOMALY_Z, "flowcast");
    }
}
