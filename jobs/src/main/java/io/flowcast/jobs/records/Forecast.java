package io.flowcast.jobs.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * The forecast made for one series at one event: horizons 1..H in {@link #values}, optional
 * quantile bands. A Flink POJO (no Kryo).
 */
public class Forecast {

    public String key;
    /** Event time of the observation the forecast was made at, epoch milliseconds. */
    public long eventTime;
    /** That observation's timestamp as it appeared in the input. */
    public String rawTimestamp;
    /** The model version used; 0 is the baseline (before any trained model). */
    public long modelVersion;
    /** Forecasts for horizons 1..H, in the series' own units. */
    public float[] values;
    /** Lower (p10) and upper (p90) bands per horizon, or null when the model has no quantile outputs. */
    public float[] p10;
    public float[] p90;
    /** Processing time the forecast was emitted at, epoch milliseconds. */
    public long emittedAt;
    /**
     * The value observed at the event (its first value), NaN when missing: what the forecast's origin
     * saw, so that a reader of forecasts alone (the scorer, a dashboard) has the series too.
     */
    public float observed = Float.NaN;

    public Forecast() {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Forecast f && eventTime == f.eventTime && modelVersion == f.modelVersion
                && emittedAt == f.emittedAt && Float.compare(observed, f.observed) == 0 && Objects.equals(key, f.key) && Objects.equals(rawTimestamp, f.rawTimestamp)
                && Arrays.equals(values, f.values) && Arrays.equals(p10, f.p10) && Arrays.equals(p90, f.p90);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, eventTime, modelVersion);
    }

    @Override
    public String toString() {
        return "Forecast{key=" + key + ", eventTime=" + eventTime + ", version=" + modelVersion + ", observed=" + observed + ", values="
                + Arrays.toString(values) + (p10 == null ? "" : ", p10=" + Arrays.toString(p10) + ", p90="
                + Arrays.toString(p90)) + "}";
    }
}
