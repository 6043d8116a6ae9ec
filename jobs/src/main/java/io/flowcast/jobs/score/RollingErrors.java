package io.flowcast.jobs.score;

/**
 * A series' rolling figures at one horizon, over its last {@code window} matured forecasts that had a
 * persistence forecast too (so the model and persistence are scored on the same pairs). Absent figures
 * are NaN (JSON null).
 *
 * @param window          pairs the figures are over
 * @param mae             the model's mean absolute error
 * @param rmse            the model's root mean squared error
 * @param wape            the model's absolute errors summed over the actuals' absolute values summed
 *                        (NaN when every actual is 0)
 * @param persistenceMae  persistence's mean absolute error on the same pairs
 * @param persistenceRmse persistence's root mean squared error on the same pairs
 * @param persistenceWape persistence's WAPE on the same pairs
 * @param coverage        fraction of the pairs with a p10..p90 band whose actual fell inside it; NaN
 *                        when none had a band
 */
public record RollingErrors(int window, float mae, float rmse, float wape, float persistenceMae,
                            float persistenceRmse, float persistenceWape, float coverage) {

    /** No pairs yet. */
    public static final RollingErrors NONE = new RollingErrors(0, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
            Float.NaN, Float.NaN, Float.NaN);
}
