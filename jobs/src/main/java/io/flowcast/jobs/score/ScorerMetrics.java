package io.flowcast.jobs.score;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * The scorer's metrics, registered once per subtask: counts of matured pairs and of those left
 * unscored, anomalies (a count and a rate), and per model name and horizon ({@code model},
 * {@code horizon} labels) this subtask's rolling figures over its last {@code window} scored pairs,
 * all its series together: {@code rollingMae}, {@code rollingPersistenceMae}, their ratio
 * {@code rollingMaeRatio} (below 1: the model beats persistence), {@code rollingWape} and
 * {@code rollingCoverage} (the share of actuals inside p10..p90; NaN without quantile outputs).
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
    final Counter anomalies;
    /** rolling[h - 1]: the last pairs this subtask scored at horizon h, every series together. */
    private final ErrorWindow[] rolling;
    private long pairs;

    ScorerMetrics(MetricGroup group, ScoringSettings settings) {
        scored = group.counter("errorsScored");
        missingActuals = group.counter("missingActuals");
        missingForecasts = group.counter("missingForecasts");
        outOfOrder = group.counter("scorerOutOfOrder");
        keysExpired = group.counter("scorerKeysExpired");
        anomalies = group.counter("anomalies");
        group.meter("anomaliesPerSecond", new MeterView(anomalies));
        MetricGroup model = group.addGroup("model", settings.modelName());
        rolling = new ErrorWindow[settings.horizons()];
        for (int h = 1; h <= rolling.length; h++) {
            ErrorWindow w = new ErrorWindow(settings.window());
            rolling[h - 1] = w;
            MetricGroup horizon = model.addGroup("horizon", String.valueOf(h));
            horizon.gauge("rollingMae", (Gauge<Double>) () -> (double) w.figures().mae());
            horizon.gauge("rollingPersistenceMae", (Gauge<Double>) () -> (double) w.figures().persistenceMae());
            horizon.gauge("rollingMaeRatio", (Gauge<Double>) () -> ratio(w.figures()));
            horizon.gauge("rollingWape", (Gauge<Double>) () -> (double) w.figures().wape());
            horizon.gauge("rollingCoverage", (Gauge<Double>) () -> (double) w.figures().coverage());
        }
    }

    private static double ratio(RollingErrors r) {
        return r.persistenceMae() > 0 ? (double) r.mae() / r.persistenceMae() : Double.NaN;
    }

    /** A pair that has both the model's and persistence's error, at horizon {@code h}. */
    void pair(int h, float modelError, float persistenceError, float actual, byte band) {
        rolling[h - 1].add(modelError, persistenceError, actual, band);
        pairs++;
    }

    long pairs() {
        return pairs;
    }

    RollingErrors rolling(int h) {
        return rolling[h - 1].figures();
    }
}
