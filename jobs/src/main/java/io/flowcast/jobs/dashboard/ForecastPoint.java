package io.flowcast.jobs.dashboard;

/**
 * One record of the {@code forecasts} topic as the dashboard holds it: the event, the value observed
 * at it when the record carries one, and the forecast fan made there.
 *
 * @param eventTime the event's time, epoch ms
 * @param observed the value observed at the event; NaN when the record has none
 * @param values the forecast for the h-th next event at index h-1; NaN where none
 * @param p10 the lower band per horizon, or null without quantile outputs
 * @param p90 the upper band per horizon, or null
 */
public record ForecastPoint(long eventTime, double observed, long modelVersion, float[] values, float[] p10,
        float[] p90) {

    public int horizons() {
        return values.length;
    }

    /** The forecast for horizon h (1-based), NaN when there is none. */
    public double forecast(int h) {
        return at(values, h);
    }

    public double low(int h) {
        return at(p10, h);
    }

    public double high(int h) {
        return at(p90, h);
    }

    private static double at(float[] a, int h) {
        return a == null || h < 1 || h > a.length ? Double.NaN : a[h - 1];
    }
}
