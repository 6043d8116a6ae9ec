package io.flowcast.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowcast.jobs.records.Forecast;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The scorer matches each forecast with the actual h accepted events later (one event one step,
 * whatever the time between), with persistence and rolling figures over the last N pairs; missing
 * values give no record; state stays bounded and an idle series leaves nothing behind.
 */
class ForecastScorerTest {

    private static final long T0 = 1_709_510_400_000L; // 2024-03-04T00:00Z
    private static final long MINUTE = 60_000L;
    private static final float EPS = 1e-4f;

    private static Forecast event(String key, long time, float actual, long version, float[] values,
                                  float[] p10, float[] p90) {
        Forecast f = new Forecast();
        f.observed = actual;
        f.key = key;
        f.eventTime = time;
        f.modelVersion = version;
        f.values = values;
        f.p10 = p10;
        f.p90 = p90;
        return f;
    }

    /** Series "a", step i: forecast 10(i+1)+h for horizon h (every origin and horizon tells apart). */
    private static Forecast a(int i, long time, float actual) {
        float base = 10 * (i + 1);
        return event("a", time, actual, 7, new float[] {base + 1, base + 2, base + 3}, null, null);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Forecast, ForecastError> harness(ForecastScorer scorer)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Forecast, ForecastError>(
                new KeyedProcessOperator<>(scorer), f -> f.key, Types.STRING);
        h.open();
        return h;
    }

    private static ScorerState state(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, ForecastScorer scorer,
                                     String key) throws Exception {
        ((AbstractStreamOperator<?>) h.getOperator()).setCurrentKey(key);
        return scorer.currentState();
    }

    @Test
    void everyForecastMeetsTheActualHStepsLaterWithPersistenceAndRollingFigures() throws Exception {
        ForecastScorer scorer = new ForecastScorer(new ScoringSettings(3, 2, Duration.ZERO));
        try (var h = harness(scorer)) {
            h.processElement(a(0, T0, 10f), T0);
            h.processElement(event("b", T0, 5f, 0, new float[] {6.5f, 7.5f, 8.5f}, new float[] {5.5f, 6.5f, 7.5f},
                    new float[] {7.5f, 8.5f, 9.5f}), T0);
            h.processElement(a(1, T0 + MINUTE, 12f), T0 + MINUTE);
            h.processElement(event("b", T0 + MINUTE, 6f, 0, new float[] {6.5f, 7.5f, 8.5f},
                    new float[] {5.5f, 6.5f, 7.5f}, new float[] {7.5f, 8.5f, 9.5f}), T0 + MINUTE);
            h.processElement(a(2, T0 + 2 * MINUTE, Float.NaN), T0 + 2 * MINUTE);
            h.processElement(event("b", T0 + 2 * MINUTE, 8f, 0, new float[] {1f, 1f, 1f}, null, null), T0 + 2 * MINUTE);
            h.processElement(a(3, T0 + 9 * MINUTE, 15f), T0 + 9 * MINUTE); // a long gap is still one step
            h.processElement(a(4, T0 + 10 * MINUTE, 16f), T0 + 10 * MINUTE);
            h.processElement(a(5, T0 + 10 * MINUTE, 99f), T0 + 10 * MINUTE); // not after the last: ignored

            List<ForecastError> out = h.extractOutputValues();
            List<ForecastError> a = out.stream().filter(e -> e.key().equals("a")).toList();
            List<ForecastError> b = out.stream().filter(e -> e.key().equals("b")).toList();
            // a: step 1 matures h1 of step 0; step 2's actual is missing (2 pairs, no record);
            // steps 3 and 4 mature three each.
            assertThat(a).extracting(ForecastError::originTime, ForecastError::targetTime, ForecastError::horizon,
                    ForecastError::forecast, ForecastError::actual, ForecastError::persistence).containsExactly(
                    tuple(T0, T0 + MINUTE, 1, 11f, 12f, 10f),
                    tuple(T0 + 2 * MINUTE, T0 + 9 * MINUTE, 1, 31f, 15f, 12f),
                    tuple(T0 + MINUTE, T0 + 9 * MINUTE, 2, 22f, 15f, 12f),
                    tuple(T0, T0 + 9 * MINUTE, 3, 13f, 15f, 10f),
                    tuple(T0 + 9 * MINUTE, T0 + 10 * MINUTE, 1, 41f, 16f, 15f),
                    tuple(T0 + 2 * MINUTE, T0 + 10 * MINUTE, 2, 32f, 16f, 12f),
                    tuple(T0 + MINUTE, T0 + 10 * MINUTE, 3, 23f, 16f, 12f));

            ForecastError first = a.get(0);
            assertThat(first).isEqualTo(new ForecastError("a", T0, T0 + MINUTE, 1, 11f, 12f, Float.NaN, Float.NaN, 7,
                    10f, new RollingErrors(1, 1f, 1f, 1f / 12, 2f, 2f, 2f / 12, Float.NaN), null));
            assertThat(first.inside()).as("no band, no verdict").isNull();
            // h=1 after step 3: pairs (11-12, 10-12) and (31-15, 12-15).
            RollingErrors second = a.get(1).rolling();
            assertThat(second.window()).isEqualTo(2);
            assertThat(second.mae()).isCloseTo(8.5f, within(EPS));
            assertThat(second.rmse()).isCloseTo((float) Math.sqrt((1 + 256) / 2.0), within(EPS));
            assertThat(second.wape()).isCloseTo(17f / 27, within(EPS));
            assertThat(second.persistenceMae()).isCloseTo(2.5f, within(EPS));
            assertThat(second.persistenceRmse()).isCloseTo((float) Math.sqrt((4 + 9) / 2.0), within(EPS));
            assertThat(second.persistenceWape()).isCloseTo(5f / 27, within(EPS));
            assertThat(a.get(1).anomaly()).as("one error is too few for a band of a window of 2").isNull();
            // h=1 after step 4: the window (2) dropped the oldest pair: (16, -3) and (25, -1).
            ForecastError fifth = a.get(4);
            assertThat(fifth.rolling().window()).isEqualTo(2);
            assertThat(fifth.rolling().mae()).isCloseTo(20.5f, within(EPS));
            assertThat(fifth.rolling().persistenceMae()).isCloseTo(2f, within(EPS));
            assertThat(fifth.rolling().persistenceRmse()).isCloseTo((float) Math.sqrt((9 + 1) / 2.0), within(EPS));
            // Judged on the errors before it, -1 and 16: bias 7.5, MAD 8.5, so 41 - 7.5 +- 4 x 1.4826 x 8.5.
            assertThat(fifth.anomaly().flagged()).isFalse();
            assertThat(fifth.anomaly().low()).isCloseTo(33.5f - 4 * 1.4826f * 8.5f, within(EPS));
            assertThat(fifth.anomaly().high()).isCloseTo(33.5f + 4 * 1.4826f * 8.5f, within(EPS));
            assertThat(a).filteredOn(e -> e.horizon() > 1).extracting(ForecastError::anomaly).containsOnlyNulls();

            // b: with bands; the third forecast (made at step 2) never matures here.
            assertThat(b).extracting(ForecastError::originTime, ForecastError::targetTime, ForecastError::horizon,
                    ForecastError::forecast, ForecastError::actual, ForecastError::p10, ForecastError::p90,
                    ForecastError::persistence).containsExactly(
                    tuple(T0, T0 + MINUTE, 1, 6.5f, 6f, 5.5f, 7.5f, 5f),
                    tuple(T0 + MINUTE, T0 + 2 * MINUTE, 1, 6.5f, 8f, 5.5f, 7.5f, 6f),
                    tuple(T0, T0 + 2 * MINUTE, 2, 7.5f, 8f, 6.5f, 8.5f, 5f));
            assertThat(b).extracting(ForecastError::rolling).containsExactly(
                    new RollingErrors(1, 0.5f, 0.5f, 0.5f / 6, 1f, 1f, 1f / 6, 1f),
                    new RollingErrors(2, 1f, (float) Math.sqrt((0.25 + 2.25) / 2), 2f / 14, 1.5f,
                            (float) Math.sqrt((1 + 4) / 2.0), 3f / 14, 0.5f),
                    new RollingErrors(1, 0.5f, 0.5f, 0.5f / 8, 3f, 3f, 3f / 8, 1f));
            assertThat(b).extracting(ForecastError::inside).containsExactly(true, false, true);
            // With quantile outputs the band is the forecast +- 4 sd, the sd read off p10..p90.
            double sd = 2 / (2 * 1.2815515655446004);
            assertThat(b.get(1).anomaly()).isEqualTo(new Anomaly(false, 0f, (float) (6.5 - 4 * sd),
                    (float) (6.5 + 4 * sd)));

            assertThat(scorer.metrics().missingActuals.getCount()).isEqualTo(2);
            assertThat(scorer.metrics().outOfOrder.getCount()).isEqualTo(1);
            assertThat(scorer.metrics().scored.getCount()).isEqualTo(10);
            assertThat(state(h, scorer, "a").lastEventTime).as("the ignored input changed nothing")
                    .isEqualTo(T0 + 10 * MINUTE);
            assertThat(h.numEventTimeTimers()).as("no TTL, no timers").isZero();
        }
    }

    @Test
    void aMissingForecastGivesNoRecordAndPersistenceIsTheLastFiniteValue() throws Exception {
        ForecastScorer scorer = new ForecastScorer(new ScoringSettings(2, 10, Duration.ZERO));
        float[] none = {Float.NaN, Float.NaN};
        try (var h = harness(scorer)) {
            h.processElement(event("c", T0, Float.NaN, 0, none, null, null), T0); // no value seen yet
            h.processElement(event("c", T0 + 1, 3f, 0, new float[] {3f, 3f}, null, null), T0 + 1);
            h.processElement(event("c", T0 + 2, Float.NaN, 0, new float[] {3f, 3f}, null, null), T0 + 2);
            h.processElement(event("c", T0 + 3, 4f, 0, new float[] {4f, 4f}, null, null), T0 + 3);

            assertThat(scorer.metrics().missingForecasts.getCount()).as("h1 of step 0").isEqualTo(1);
            assertThat(scorer.metrics().missingActuals.getCount()).as("step 2 matures h1 and h2").isEqualTo(2);
            assertThat(h.extractOutputValues()).extracting(ForecastError::originTime, ForecastError::horizon,
                    ForecastError::forecast, ForecastError::persistence).containsExactly(
                    tuple(T0 + 2, 1, 3f, 3f), // made at a missing value: persistence is the last finite one
                    tuple(T0 + 1, 2, 3f, 3f));
        }
    }

    @Test
    void stateStaysBoundedWhateverTheSeriesLengthAndRoundTripsThroughItsSerializer() throws Exception {
        ScoringSettings settings = new ScoringSettings(3, 5, Duration.ZERO);
        ForecastScorer scorer = new ForecastScorer(settings);
        try (var h = harness(scorer)) {
            int[] sizes = new int[2];
            for (int i = 0; i < 400; i++) {
                float[] values = {i, i + 1, i + 2};
                h.processElement(event("long", T0 + i * MINUTE, i % 7, 1, values, values, values), T0 + i * MINUTE);
                if (i == 199 || i == 399) {
                    sizes[i / 200] = bytes(state(h, scorer, "long")).length;
                }
            }
            ScorerState s = state(h, scorer, "long");
            assertThat(sizes[1]).as("serialized state after 400 events vs 200").isEqualTo(sizes[0]);
            assertThat(s.steps).isEqualTo(400);
            assertThat(s.ring).hasSize(3).doesNotContainNull();
            for (ErrorWindow w : s.windows) {
                assertThat(w.count).isEqualTo(5);
                assertThat(w.model).hasSize(5);
            }
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.extractOutputValues()).hasSize(399 + 398 + 397);

            byte[] written = bytes(s);
            ScorerState back = ScorerStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(written));
            assertThat(bytes(back)).isEqualTo(written);
            assertThat(back.madeStepsAgo(1).originTime()).isEqualTo(T0 + 399 * MINUTE);
            ScorerState copy = ScorerStateSerializer.INSTANCE.copy(s);
            copy.windows[0].add(1f, 1f, 1f, ErrorWindow.INSIDE);
            assertThat(bytes(s)).as("a copy shares no mutable part").isEqualTo(written);
        }
    }

    @Test
    void anIdleSeriesLeavesNoStateNorTimerAndStartsOverWhenItReturns() throws Exception {
        Duration ttl = Duration.ofHours(1);
        ForecastScorer scorer = new ForecastScorer(new ScoringSettings(2, 4, ttl));
        float[] v = {1f, 1f};
        try (var h = harness(scorer)) {
            h.processElement(event("idle", T0, 1f, 0, v, null, null), T0);
            h.processElement(event("idle", T0 + MINUTE, 2f, 0, v, null, null), T0 + MINUTE);
            long idleDeadline = T0 + MINUTE + ttl.toMillis();
            for (long t = T0; t <= T0 + 3 * ttl.toMillis(); t += 10 * MINUTE) {
                h.processElement(event("busy", t, 1f, 0, v, null, null), t);
                h.processWatermark(Math.min(t, idleDeadline - 1));
                assertThat(h.numEventTimeTimers()).as("one timer per series").isEqualTo(2);
            }
            assertThat(state(h, scorer, "idle")).isNotNull();
            assertThat(state(h, scorer, "idle").expiryTimer).as("moved to its last event's deadline")
                    .isEqualTo(idleDeadline);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            h.processWatermark(idleDeadline);

            assertThat(state(h, scorer, "idle")).isNull();
            assertThat(h.numKeyedStateEntries()).as("only the busy series' state is left").isEqualTo(1);
            assertThat(h.numEventTimeTimers()).as("only the busy series' timer is left").isEqualTo(1);
            assertThat(scorer.metrics().keysExpired.getCount()).isEqualTo(1);

            int before = h.extractOutputValues().size();
            h.processElement(event("idle", idleDeadline + 1, 3f, 0, v, null, null), idleDeadline + 1);
            assertThat(h.extractOutputValues()).as("a returning series has no forecasts to mature").hasSize(before);
            assertThat(state(h, scorer, "idle").steps).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
        }
    }

    private static byte[] bytes(ScorerState s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ScorerStateSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
