package io.flowcast.jobs.dashboard;

/**
 * The dashboard's memory bounds: whatever the topics hold, the view keeps at most {@code maxSeries}
 * series, each with at most {@code points} forecasts, {@code errorPoints} error records of horizon 1
 * (and the newest of each other horizon) and {@code anomalies} anomalies.
 *
 * @param points forecast points held per series (the chart's length)
 * @param maxSeries series held; the least recently updated one is evicted to make room
 * @param errorPoints horizon-1 error records held per series (the actuals, anomaly band and band hits of the
 *     drawn events); of other horizons only the newest is held
 * @param anomalies anomalies held per series (the count of all seen is kept apart)
 * @param listLimit rows of the "worst by error" and "most anomalies" lists
 * @param searchLimit results of one key search
 */
public record DashboardSettings(int points, int maxSeries, int errorPoints, int anomalies, int listLimit,
        int searchLimit) {

    public static final int DEFAULT_POINTS = 500;
    public static final int DEFAULT_MAX_SERIES = 10_000;

    public DashboardSettings {
        positive("points", points);
        positive("max-series", maxSeries);
        positive("error-points", errorPoints);
        positive("anomalies", anomalies);
        positive("list limit", listLimit);
        positive("search limit", searchLimit);
    }

    public static DashboardSettings defaults() {
        return of(DEFAULT_POINTS, DEFAULT_MAX_SERIES);
    }

    /** The given chart length and series bound, the other bounds at their defaults. */
    public static DashboardSettings of(int points, int maxSeries) {
        return new DashboardSettings(points, maxSeries, points, 100, 20, 50);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("--" + name.replace(' ', '-') + " must be at least 1, got " + value);
        }
    }
}
