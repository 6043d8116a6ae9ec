package io.flowcast.jobs.score;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The scorer's metrics, registered once per subtask: counts of matured pairs and of those left
 * unscored, and gauges of this subtask's error over the pairs it scored since it started
 * ({@code scoredMae}, {@code persistenceMae}: all series and horizons together).
 */
final class ScorerMetrics {

    final Counter scored;
    /** Matured pairs whose actual was missing (NaN): no record. */
    final Counter missingActuals;
    /** Matured pairs whose forecast was NaN (no value seen yet, horizon beyond the model's): no record. */
    final Counter missingForecasts;
    /** Inputs not after the series' last one: the forecaster never sends them; ignored. */
    final Counter outOfOrder;
    final Counter keysExpired;
    private double absoluteErrorSum;
    private double persistenceAbsoluteErrorSum;
    private long pairs;

    ScorerMetrics(MetricGroup group) {
        scored = group.counter("errorsScored");
        missingActuals = group.counter("missingActuals");
        missingForecasts = group.counter("missingForecasts");
        outOfOrder = group.counter("scorerOutOfOrder");
        keysExpired = group.counter("scorerKeysExpired");
        group.gauge("scoredMae", (Gauge<Double>) () -> pairs == 0 ? Double.NaN : absoluteErrorSum / pairs);
        group.gauge("persistenceMae",
                (Gauge<Double>) () -> pairs == 0 ? Double.NaN : persistenceAbsoluteErrorSum / pairs);
    }

    /** A pair that has both the model's and persistence's error. */
    void pair(float modelError, float persistenceError) {
        absoluteErrorSum += Math.abs(modelError);
        persistenceAbsoluteErrorSum += Math.abs(persistenceError);
        pairs++;
    }

    long pairs() {
        return pairs;
    }
}
