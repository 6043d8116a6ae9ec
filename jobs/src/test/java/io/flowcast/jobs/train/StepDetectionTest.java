package io.flowcast.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The median interval a series' step is detected from. (Where and when it is detected, in the keyed
 * forecaster from the series' own first events, is the forecaster's tests' business.)
 */
class StepDetectionTest {

    private static final long MINUTE = 60_000L;

    @Test
    void medianIntervalIgnoresGaps() {
        long[] t = {0, 30, 60, 120, 150, 180, 300, 330};
        for (int i = 0; i < t.length; i++) {
            t[i] *= MINUTE;
        }
        assertThat(StepDetection.medianInterval(t, t.length)).isEqualTo(Duration.ofMinutes(30));
        assertThat(StepDetection.medianInterval(new long[] {0, 10, 30}, 3)).isEqualTo(Duration.ofMillis(20)); // upper median
        assertThat(StepDetection.medianInterval(new long[] {5}, 1)).isNull();
        assertThat(StepDetection.medianInterval(new long[0], 0)).isNull();
    }

    @Test
    void onlyTheFirstCountTimesAreRead() {
        long[] t = {0, 10, 20, 30, 1_000, 2_000, 3_000, 4_000, 5_000};
        assertThat(StepDetection.medianInterval(t, 4)).isEqualTo(Duration.ofMillis(10));
        assertThat(StepDetection.medianInterval(t, t.length)).isEqualTo(Duration.ofMillis(1_000));
    }

    @Test
    void aFewMissingRowsAndADaylightSavingHourDoNotMoveIt() {
        // Half-hourly, every 7th row missing (a one-hour interval), one 90-minute interval: still 30 minutes.
        long[] t = new long[StepDetection.EVENTS];
        long time = 0;
        for (int i = 0; i < t.length; i++) {
            time += i == 0 ? 0 : (i % 7 == 3 ? 60 : i == 50 ? 90 : 30) * MINUTE;
            t[i] = time;
        }
        assertThat(StepDetection.medianInterval(t, t.length)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void timesThatDoNotIncreaseAreRefused() {
        assertThatThrownBy(() -> StepDetection.medianInterval(new long[] {0, 10, 10, 20}, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 then 10");
        assertThatThrownBy(() -> StepDetection.medianInterval(new long[] {0, 10, 5}, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theForecasterDetectsFromOneHundredAndOneEvents() {
        assertThat(StepDetection.EVENTS).isEqualTo(101); // documented in docs/training.md (--step)
    }
}
