package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.RejectReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The forecaster's metrics, registered once per subtask. Dead letters are counted per reason as a
 * {@code reason} label ({@code reason=late|duplicate|feature-count}, metric {@code deadLetters}); the
 * version serving each model name is the gauge {@code servingVersion} with label {@code model}.
 */
final class ForecastMetrics {

    /** Latencies kept for the histogram's percentiles: a sliding window, cheap to update. */
    private static final int LATENCY_WINDOW = 4096;
    /** The reasons the forecaster rejects events for (the others belong to parsing). */
    private static final RejectReason[] OWN_REASONS = {RejectReason.LATE, RejectReason.DUPLICATE,
        RejectReason.FEATURE_COUNT};

    private final MetricGroup group;
    final Counter eventsIn;
    final Counter forecastsOut;
    final Counter missingValues;
    final Counter gaps;
    final Counter rewarms;
    final Counter modelsReceived;
    final Counter modelsRejected;
    final Counter windowsCut;
    final Counter keysExpired;
    final Histogram stepLatencyNanos;
    private final Counter[] deadLetters;
    /** Series held by this subtask: restored at start plus started since, less those expired. */
    private long keys;

    ForecastMetrics(MetricGroup group) {
        this.group = group;
        eventsIn = group.counter("eventsIn");
        forecastsOut = group.counter("forecastsOut");
        group.meter("forecastsPerSecond", new MeterView(forecastsOut));
        missingValues = group.counter("missingValues");
        gaps = group.counter("gaps");
        rewarms = group.counter("rewarms");
        modelsReceived = group.counter("modelsReceived");
        modelsRejected = group.counter("modelsRejected");
        windowsCut = group.counter("trainingWindowsCut");
        keysExpired = group.counter("keysExpired");
        stepLatencyNanos = group.histogram("stepLatencyNanos", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        group.gauge("keys", (Gauge<Long>) () -> keys);
        deadLetters = new Counter[RejectReason.values().length];
        for (RejectReason r : OWN_REASONS) {
            deadLetters[r.ordinal()] = group.addGroup("reason", r.code()).counter("deadLetters");
        }
    }

    /**
     * Registers the {@code servingVersion} and {@code servingVersionAgeSeconds} gauges of a model name
     * (once, when the name is first seen).
     */
    void modelName(ModelTimeline timeline) {
        MetricGroup model = group.addGroup("model", timeline.name);
        model.gauge("servingVersion", (Gauge<Long>) () -> timeline.lastServed);
        model.gauge("servingVersionAgeSeconds", (Gauge<Double>) timeline::servingAgeSeconds);
    }

    void deadLetter(RejectReason reason) {
        deadLetters[reason.ordinal()].inc();
    }

    long deadLetters(RejectReason reason) {
        return deadLetters[reason.ordinal()].getCount();
    }

    void keysRestored(long n) {
        keys += n;
    }

    void keyStarted() {
        keys++;
    }

    void keyExpired() {
        keys--;
        keysExpired.inc();
    }

    long keys() {
        return keys;
    }
}
