package io.flowcast.jobs.score;

import io.flowcast.jobs.records.Forecast;
import org.apache.flink.api.java.functions.KeySelector;

/** The series key of a forecast: the scorer is keyed as the forecaster is. */
public final class ForecastKey implements KeySelector<Forecast, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Forecast forecast) {
        return forecast.key;
    }
}
