package io.flowcast.jobs.forecast;

/**
 * The forecast before trained weights exist (model version 0). Persistence: every horizon gets the
 * latest value. With a season of m steps, seasonal naive: {@code ŷ(t+h) = y(t + h - m·⌈h/m⌉)}, the
 * value at the same phase of the latest season, falling back to persistence for a horizon whose
 * value is not kept yet (a series younger than the lag). It reads the values as fed to the net, so
 * across missing values it carries the imputations forward (persistence repeats the last real value,
 * seasonal naive the last season).
 */
final class Baseline {

    private final int season;

    /** @param season steps per season; 0 for persistence */
    Baseline(int season) {
        this.season = season;
    }

    /** Feature {@code f}, {@code h} steps after the latest recorded event; NaN before the series' first value. */
    float forecast(SeriesState s, int f, int h) {
        if (season > 0) {
            float seasonal = s.valueBack(season * ((h + season - 1) / season) - h, f);
            if (!Float.isNaN(seasonal)) {
                return seasonal;
            }
        }
        return s.valueBack(0, f);
    }
}
