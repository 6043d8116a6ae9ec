package io.flowcast.jobs.score;

/**
 * A forecast the scorer holds until its horizons mature: what of the {@link io.flowcast.jobs.records.Forecast}
 * the error records need, and the persistence forecast made at the same origin.
 *
 * @param p10 null (with p90) when the model had no quantile outputs
 */
record HeldForecast(long originTime, long modelVersion, float persistence, float[] values, float[] p10, float[] p90) {
}
