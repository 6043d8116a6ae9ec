package io.flowcast.jobs.score;

import java.io.Serializable;
import java.time.Duration;

/**
 * What shapes the scorer, in one place.
 *
 * @param horizons  forecasts held per series, and the longest horizon scored: the forecaster's horizons
 * @param window    matured forecasts per series and horizon that the rolling figures are taken over
 * @param seriesTtl a series with no event for this long in event time is cleared, as the forecaster
 *                  clears it (give both the same TTL, so a series that returns starts over in both);
 *                  zero: never cleared
 */
public record ScoringSettings(int horizons, int window, Duration seriesTtl) implements Serializable {

    /** The default {@link #window}. */
    public static final int DEFAULT_WINDOW = 100;

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
    }
}
