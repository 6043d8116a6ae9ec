package io.flowcast.jobs.train;

import java.time.Duration;
import java.util.Arrays;

/**
 * The grid step of a model, detected from its data when the settings give none: the median interval
 * between the first {@link #EVENTS} events of the model's first series (first in training order:
 * event time, then series key). A median, so a gap or two (missing rows, a DST hour) does not move
 * it; the first events of one series, so the result depends only on the data, never on arrival
 * order or parallelism.
 */
public final class StepDetection {

    /** Events of the first series the step is detected from (so {@code EVENTS - 1} intervals). */
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
