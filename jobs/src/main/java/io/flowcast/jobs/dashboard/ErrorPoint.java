package io.flowcast.jobs.dashboard;

/**
 * One record of the {@code forecast-errors} topic as the dashboard holds it; every number absent from
 * the record (or null in it) is NaN, and {@code anomaly} is null unless the record says.
 */
public record ErrorPoint(long originTime, long targetTime, int horizon, double forecast, double actual,
        long modelVersion, Boolean inside, double mae, double rmse, double persistenceMae, double persistenceRmse,
        double wape, double persistenceWape, double coverage, Boolean anomaly, double anomalyScore,
        double anomalyLow, double anomalyHigh) {

    public boolean isAnomaly() {
        return Boolean.TRUE.equals(anomaly);
    }
}
