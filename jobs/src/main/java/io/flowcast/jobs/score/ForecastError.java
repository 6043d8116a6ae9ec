package io.flowcast.jobs.score;

import java.util.Objects;

/**
 * One matured forecast: the forecast made for a series at {@code originTime} for {@code horizon}
 * steps ahead, and the value observed at that step ({@code targetTime}), with the persistence
 * forecast for the same target and the series' rolling figures for this horizon (including this
 * pair). Absent numbers are NaN (JSON null). Written by {@link ForecastErrorSerializer}.
 *
 * @param forecast        the model's forecast (finite)
 * @param actual          the observed value (finite)
 * @param p10             lower band, NaN without quantile outputs
 * @param p90             upper band, NaN without quantile outputs
 * @param persistence     the last value observed at or before the origin (NaN if none)
 * @param window          pairs the rolling figures are over (at most the settings' window)
 * @param mae             the model's mean absolute error over those pairs
 * @param rmse            the model's root mean squared error over those pairs
 * @param persistenceMae  persistence's mean absolute error over the same pairs
 * @param persistenceRmse persistence's root mean squared error over the same pairs
 */
public record ForecastError(String key, long originTime, long targetTime, int horizon, float forecast, float actual,
                            float p10, float p90, long modelVersion, float persistence, int window, float mae,
                            float rmse, float persistenceMae, float persistenceRmse) {

    public ForecastError {
        Objects.requireNonNull(key, "key");
    }

    /** Whether the actual lies in [p10, p90]; null when the forecast had no band. */
    public Boolean inside() {
        if (Float.isNaN(p10) || Float.isNaN(p90)) {
            return null;
        }
        return actual >= p10 && actual <= p90;
    }
}
