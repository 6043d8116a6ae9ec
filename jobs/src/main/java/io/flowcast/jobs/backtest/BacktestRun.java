package io.flowcast.jobs.backtest;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.models.ModelRecord;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a backtest run produced: every forecast, per key in event order (keys sorted, so output does
 * not depend on parallelism), every dead letter (the forecaster's and unreadable rows), and the input
 * series the forecasts were checked against; the model versions trained first (empty without
 * training) and the seconds that took, within the whole run's {@code seconds}.
 */
public record BacktestRun(List<SeriesFile> files, SortedMap<String, List<Forecast>> forecasts,
                          List<DeadLetter> deadLetters, Map<String, SeriesTruth.Series> truth,
                          List<ModelRecord> models, double trainingSeconds, double seconds) {

    public long forecastCount() {
        return forecasts.values().stream().mapToLong(List::size).sum();
    }

    /** Observations that reached the forecaster: one forecast or one dead letter each. */
    public long events() {
        return forecastCount() + deadLetters.stream().filter(d -> !isUnreadableRow(d)).count();
    }

    public SortedMap<String, Long> deadLettersByReason() {
        SortedMap<String, Long> byReason = new TreeMap<>();
        for (DeadLetter d : deadLetters) {
            byReason.merge(d.reason, 1L, Long::sum);
        }
        return byReason;
    }

    /** Rows the reader could not turn into observations name their file as topic; the forecaster's name it. */
    static boolean isUnreadableRow(DeadLetter d) {
        return !ForecastFunction.DEAD_LETTER_TOPIC.equals(d.topic);
    }
}
