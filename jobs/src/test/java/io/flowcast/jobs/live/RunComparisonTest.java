package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.live.CommittedOutputs.Published;
import io.flowcast.jobs.models.ModelRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link RunComparison} finds each kind of difference the exactly-once test relies on it to find. */
class RunComparisonTest {

    /** Series {@code a} and {@code b}, events 1..4; {@code a} swapped to v1 at event 3. */
    private static CommittedOutputs reference() {
        Map<String, TreeMap<Long, List<Published>>> forecasts = new HashMap<>();
        for (String key : List.of("a", "b")) {
            for (long t = 1; t <= 4; t++) {
                long version = key.equals("a") && t >= 3 ? 1 : 0;
                add(forecasts, key, t, version, key + t + "v" + version);
            }
        }
        return new CommittedOutputs(forecasts, List.of(new ModelRecord("m", 1, 2, new byte[] {1})),
                List.of("dead-1", "dead-2"), 8);
    }

    private static void add(Map<String, TreeMap<Long, List<Published>>> forecasts, String key, long t, long version,
                            String json) {
        forecasts.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(t, x -> new ArrayList<>())
                .add(new Published(version, json));
    }

    private static Map<String, TreeMap<Long, List<Published>>> copy(CommittedOutputs outputs) {
        Map<String, TreeMap<Long, List<Published>>> out = new HashMap<>();
        outputs.forecasts().forEach((key, byTime) -> byTime.forEach((t, list) -> list.forEach(
                p -> add(out, key, t, p.modelVersion(), p.json()))));
        return out;
    }

    @Test
    void theSameOutputsAreExact() {
        RunComparison c = RunComparison.of(reference(), reference());
        assertThat(c.exact()).isTrue();
        assertThat(c.compared()).isEqualTo(8 + 1 + 2);
        assertThat(c.sameHistory()).isEqualTo(8);
    }

    @Test
    void lostDuplicatedExtraAndGapsAreCounted() {
        Map<String, TreeMap<Long, List<Published>>> f = copy(reference());
        f.get("a").remove(2L); // lost, and a gap between 1 and 3
        add(f, "b", 4, 0, "b4v0"); // duplicated
        add(f, "b", 9, 0, "b9v0"); // extra
        RunComparison c = RunComparison.of(reference(), new CommittedOutputs(f, reference().models(),
                reference().deadLetters(), 9));
        assertThat(c.exact()).isFalse();
        assertThat(c.lost()).isEqualTo(1);
        assertThat(c.gaps()).isEqualTo(1);
        assertThat(c.duplicated()).isEqualTo(1);
        assertThat(c.extra()).isEqualTo(1);
    }

    @Test
    void valuesAreComparedWhileTheVersionHistoryAgreesOnly() {
        Map<String, TreeMap<Long, List<Published>>> f = copy(reference());
        f.get("b").get(2L).set(0, new Published(0, "b2 other bytes")); // same history: a difference
        f.get("a").get(3L).set(0, new Published(0, "a3v0")); // swapped later: v0 at 3 ...
        f.get("a").get(4L).set(0, new Published(1, "a4 after another swap point")); // ... so v1 at 4 is not compared
        RunComparison c = RunComparison.of(reference(), new CommittedOutputs(f, reference().models(),
                reference().deadLetters(), 8));
        assertThat(c.differingValues()).isEqualTo(1);
        assertThat(c.otherVersion()).isEqualTo(1);
        assertThat(c.sameVersionOtherHistory()).isEqualTo(1);
        assertThat(c.exact()).isFalse();
    }

    @Test
    void modelsAndDeadLettersAreComparedAsRecords() {
        List<ModelRecord> models = List.of(new ModelRecord("m", 1, 2, new byte[] {1}),
                new ModelRecord("m", 1, 2, new byte[] {1}), new ModelRecord("m", 2, 3, new byte[] {2}));
        RunComparison c = RunComparison.of(reference(), new CommittedOutputs(copy(reference()), models,
                List.of("dead-1", "dead-1", "dead-3"), 8));
        assertThat(c.modelsDuplicated()).isEqualTo(1);
        assertThat(c.modelsDiffering()).as("a version the reference never published").isEqualTo(1);
        assertThat(c.deadLettersLost()).isEqualTo(1);
        assertThat(c.deadLettersDuplicated()).as("dead-1 twice, dead-3 never in the reference").isEqualTo(2);
    }
}
