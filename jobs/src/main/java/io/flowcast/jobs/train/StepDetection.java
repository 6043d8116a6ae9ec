package io.flowcast.jobs.train;

import java.time.Duration;
import java.util.Arrays;

/**
 * The grid step of a series, detected from its data when the settings give none: the median interval
 * between its first {@link #EVENTS} events. A median, so a gap or two (missing rows, a DST hour) does
 * not move it; the series' own first events, so the result depends only on the data, never on
 * arrival order or parallelism. The forecaster detects it where the series' history is, and cuts
 * training windows only once it is known.
 */
public final class StepDetection {

    /** Events the step is detected from (so {@code EVENTS - 1} intervals). */
    public static final int EVENTS = 101;

    private StepDetection() {
    }

    /**
     * The median interval of strictly increasing {@code times} (the upper median of an even count);
     * null with fewer than two times.
     */
    public static Duration medianInterval(long[] times, int count) {
        if (count < 2) {
            return null;
        }
        long[] gaps = new long[count - 1];
        for (int i = 1; i < count; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
            if (gaps[i - 1] <= 0) {
                throw new IllegalArgumentException("times must increase: " + times[i - 1] + " then " + times[i]);
            }
        }
        Arrays.sort(gaps);
        return Duration.ofMillis(gaps[gaps.length / 2]);
    }
}
