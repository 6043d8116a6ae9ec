package io.flowcast.jobs.score;

import io.flowcast.jobs.records.Forecast;
import java.util.Objects;

/**
 * One event the forecaster accepted: the forecast it made there and the value it observed there
 * (the first value of the event; NaN when missing). The scorer's input, one per accepted event and
 * in the forecaster's order, so that one input is one step exactly as the forecaster counts steps.
 *
 * @param forecast the forecast made at the event (its key and event time are the event's)
 * @param actual   the value observed at the event, NaN when missing
 */
public record ForecastedEvent(Forecast forecast, float actual) {

    public ForecastedEvent {
        Objects.requireNonNull(forecast, "forecast");
    }

    public String key() {
        return forecast.key;
    }

    public long eventTime() {
        return forecast.eventTime;
    }
}
