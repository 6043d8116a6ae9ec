package io.flowcast.jobs.dashboard;

/**
 * One row of the overview: a series' latest figures. Numbers that are not known yet are NaN.
 *
 * @param mae the newest rolling MAE at horizon 1
 * @param persistenceMae persistence's on the same pairs
 * @param coverage the share of actuals inside the p10..p90 band at horizon 1 (the record's own
 *     rolling figure when it carries one, else over the records held)
 * @param anomalies anomalies seen for this series since the dashboard started reading
 * @param modelVersion the model version of the newest forecast
 */
public record SeriesSummary(String key, int points, long newestEventTime, long modelVersion, double mae,
        double persistenceMae, double coverage, long anomalies) {

    /** How the "worst by error" list ranks: MAE over persistence's when both are known, else NaN. */
    public double errorRatio() {
        return persistenceMae > 0 && Double.isFinite(mae) ? mae / persistenceMae : Double.NaN;
    }

    static SeriesSummary of(SeriesHistory s) {
        ForecastPoint newest = s.newestPoint();
        ErrorPoint e = s.newestError(1);
        return new SeriesSummary(s.key(), s.pointCount(), newest == null ? -1 : newest.eventTime(),
                newest == null ? (e == null ? -1 : e.modelVersion()) : newest.modelVersion(),
                e == null ? Double.NaN : e.mae(), e == null ? Double.NaN : e.persistenceMae(), coverage(s, e),
                s.anomalyCount());
    }

    private static double coverage(SeriesHistory s, ErrorPoint newest) {
        return newest != null && Double.isFinite(newest.coverage()) ? newest.coverage() : s.heldCoverage();
    }
}
