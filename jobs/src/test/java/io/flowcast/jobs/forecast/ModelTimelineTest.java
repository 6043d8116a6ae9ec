package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.model.online.ServingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link ModelTimeline} does with versions in any order (the order preloaded and restored models come
 * in): the newest version that qualifies serves, whatever arrived last.
 */
class ModelTimelineTest {

    private static ServingModel v(long version) {
        return TestModels.model("m", version, T0 - MINUTE, false);
    }

    @Test
    void anOlderVersionAddedAfterANewerOneDoesNotReplaceIt() {
        ModelTimeline t = new ModelTimeline("m", 3);
        t.add(v(5), false);
        assertThat(t.add(v(3), false)).isEmpty();
        t.select(T0);
        assertThat(t.current.version()).isEqualTo(5);
        assertThat(t.previous.version()).as("held, it is the ensemble's partner").isEqualTo(3);
        assertThat(t.newestVersion()).isEqualTo(5);
        assertThat(t.holds(3)).isTrue();
        assertThat(t.holds(4)).isFalse();
    }

    @Test
    void anOlderVersionThanEveryRetainedOneIsDroppedAtOnceAndAReplayChangesNothing() {
        ModelTimeline t = new ModelTimeline("m", 3);
        for (long version = 4; version <= 6; version++) {
            t.add(v(version), false);
        }
        List<ServingModel> dropped = t.add(v(2), false);
        assertThat(dropped).extracting(ServingModel::version).containsExactly(2L);
        assertThat(t.add(v(5), false)).as("already held").isNull();
        assertThat(t.versions()).containsExactly(4, 5, 6);
        t.select(T0);
        assertThat(t.current.version()).isEqualTo(6);
    }

    @Test
    void withNothingHeldTheNewestVersionIsZero() {
        ModelTimeline t = new ModelTimeline("m", 3);
        assertThat(t.newestVersion()).isZero();
        assertThat(t.holds(0)).isFalse();
    }
}
