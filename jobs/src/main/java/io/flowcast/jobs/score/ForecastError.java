package io.flowcast.jobs.score;

import java.util.Objects;

/**
 * One matured forecast: the forecast made for a series at {@code originTime} for {@code horizon}
 * steps ahead, and the value observed at that step ({@code targetTime}), with the persistence
 * forecast for the same target, the series' rolling figures for this horizon (including this pair)
 * and, at horizon 1, whether the observation is an anomaly. Absent numbers are NaN (JSON null).
 * Written by {@link ForecastErrorSerializer}.
 *
 * @param forecast    the model's forecast (finite)
 * @param actual      the observed value (finite)
 * @param p10         lower band, NaN without quantile outputs
 * @param p90         upper band, NaN without quantile outputs
 * @param persistence the last value observed at or before the origin (NaN if none)
 * @param rolling     the series' rolling figures at this horizon
 * @param anomaly     the judgement of the actual ({@link AnomalyRule}); null beyond horizon 1 and while
 *                    no band can be made
 */
public record ForecastError(String key, long originTime, long targetTime, int horizon, float forecast, float actual,
                            float p10, float p90, long modelVersion, float persistence, RollingErrors rolling,
                            Anomaly anomaly) {

    public ForecastError {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rolling, "rolling");
    }

    /** Whether the actual lies in [p10, p90]; null when the forecast had no band. */
    public Boolean inside() {
        if (Float.isNaN(p10) || Float.isNaN(p90)) {
            return null;
        }
        return actual >= p10 && actual <= p90;
    }
}
