package io.flowcast.jobs.score;

import java.util.Arrays;

/**
 * Whether an observation is an anomaly: it lies outside the band forecast for it one step earlier.
 * The band is the one-step forecast plus or minus {@code z} standard deviations of its error, the
 * deviation read from
 *
 * <ul>
 *   <li>the forecast's own p10..p90 band when the model has quantile outputs ({@code (p90 - p10) / 2.563},
 *       the width of that band for a normal error), centred on the forecast; else
 *   <li>the series' recent one-step errors (the scorer's horizon-1 window): their median is the bias the
 *       band is shifted by, and 1.4826 times their median absolute deviation is the deviation. Median
 *       and MAD, not mean and standard deviation, so that the anomalies themselves do not widen the
 *       band that should catch the next one. A MAD of 0 (most errors equal) falls back to the mean
 *       absolute deviation; with fewer than {@link #MIN_RESIDUALS} errors, or all equal, no judgement.
 * </ul>
 *
 * The score is how far outside the band the observation lies, in band widths (0 inside).
 * Not thread-safe: it sorts in a scratch array of its own, so judging allocates only the result.
 */
final class AnomalyRule {

    /** One-step errors needed before a band is made of them (or the whole window, if smaller). */
    static final int MIN_RESIDUALS = 20;
    /** p90 - p10 of a normal distribution, in standard deviations. */
    static final double P10_TO_P90_SIGMAS = 2 * 1.2815515655446004;
    /** A normal distribution's standard deviation over its median absolute deviation. */
    static final double MAD_TO_SIGMA = 1.4826;
    /** A normal distribution's standard deviation over its mean absolute deviation. */
    static final double MEAN_DEVIATION_TO_SIGMA = 1.2533;

    private final double z;
    private final float[] scratch;

    AnomalyRule(double z, int window) {
        this.z = z;
        this.scratch = new float[window];
    }

    /**
     * @param forecast the one-step forecast made for the observation (finite)
     * @param p10      its lower band, NaN without quantile outputs
     * @param p90      its upper band
     * @param oneStep  the series' recent one-step errors, not yet including this observation's
     * @param actual   the observed value (finite)
     * @return the judgement, or null when no band can be made yet
     */
    Anomaly judge(float forecast, float p10, float p90, ErrorWindow oneStep, float actual) {
        double center;
        double sigma;
        if (Float.isFinite(p10) && Float.isFinite(p90) && p90 > p10) {
            center = forecast;
            sigma = (p90 - p10) / P10_TO_P90_SIGMAS;
        } else {
            int n = oneStep.count;
            if (n < Math.min(MIN_RESIDUALS, oneStep.capacity())) {
                return null;
            }
            System.arraycopy(oneStep.model, 0, scratch, 0, n);
            double bias = median(scratch, n);
            double absoluteDeviationSum = 0;
            for (int i = 0; i < n; i++) {
                scratch[i] = (float) Math.abs(oneStep.model[i] - bias);
                absoluteDeviationSum += scratch[i];
            }
            sigma = MAD_TO_SIGMA * median(scratch, n);
            if (sigma == 0) {
                sigma = MEAN_DEVIATION_TO_SIGMA * absoluteDeviationSum / n;
            }
            if (sigma == 0) {
                return null;
            }
            // error = forecast - actual, so the actual the errors expect is forecast - bias.
            center = forecast - bias;
        }
        double low = center - z * sigma;
        double high = center + z * sigma;
        double width = high - low;
        double outside = actual > high ? actual - high : actual < low ? low - actual : 0;
        return new Anomaly(outside > 0, (float) (outside / width), (float) low, (float) high);
    }

    private static double median(float[] values, int n) {
        Arrays.sort(values, 0, n);
        return (n & 1) == 1 ? values[n / 2] : (values[n / 2 - 1] + (double) values[n / 2]) / 2;
    }
}
