package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.RejectReason;
import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forecaster's per-event rules, one key or a few, in Flink's keyed operator harness. */
class ForecastFunctionTest {

    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(3);

    @Test
    void keepsOneStatePerKeyAndForecastsByPersistenceBeforeAnyModel() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 10f));
            h.send(obs("b", T0, 100f));
            h.send(obs("a", T0 + MINUTE, 12f));
            List<Forecast> last = h.send(obs("a", T0 + 2 * MINUTE, 11f));

            SeriesState a = h.state("a");
            assertThat(a.steps()).isEqualTo(3);
            assertThat(a.lastEventTime()).isEqualTo(T0 + 2 * MINUTE);
            assertThat(a.modelVersion()).isZero();
            assertThat(a.serving().liveScaler().count()).isEqualTo(3);
            assertThat(a.serving().liveScaler().mean(0)).isEqualTo(11.0);
            assertThat(a.serving().buffer().observed(2)).isEqualTo(11f);
            assertThat(a.serving().buffer().timestamp(2)).isEqualTo(T0 + 2 * MINUTE);
            assertThat(h.state("b").steps()).isEqualTo(1);

            assertThat(h.forecasts()).hasSize(4);
            Forecast f = last.get(0);
            assertThat(f.key).isEqualTo("a");
            assertThat(f.eventTime).isEqualTo(T0 + 2 * MINUTE);
            assertThat(f.rawTimestamp).isEqualTo("2024-03-04 00:02");
            assertThat(f.modelVersion).isZero();
            assertThat(f.values).containsExactly(11f, 11f, 11f);
            assertThat(f.p10).isNull();
            assertThat(f.p90).isNull();
        }
    }

    @Test
    void aLateEventIsDeadLetteredCountedAndLeavesTheStateAlone() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 1f));
            h.send(obs("a", T0 + 2 * MINUTE, 2f));
            SeriesState before = h.state("a").copy();

            assertThat(h.send(obs("a", T0 + MINUTE, 99f))).isEmpty();

            assertThat(h.state("a")).isEqualTo(before);
            DeadLetter late = h.deadLetters().get(0);
            assertThat(late.reason).isEqualTo("late");
            assertThat(late.topic).isEqualTo("forecast");
            assertThat(late.offset).isEqualTo(-1);
            assertThat(late.detail).contains("older than the last one processed");
            assertThat(new String(Base64.getDecoder().decode(late.rawBase64), StandardCharsets.UTF_8))
                    .isEqualTo("{\"key\":\"a\",\"ts\":" + (T0 + MINUTE) + ",\"timestamp\":\"2024-03-04 00:01\",\"values\":[99.0]}");
            assertThat(h.metrics().deadLetters(RejectReason.LATE)).isEqualTo(1);

            h.send(obs("a", T0 + 3 * MINUTE, 3f));
            assertThat(h.state("a").steps()).isEqualTo(3);
        }
    }

    @Test
    void aDuplicateTimestampKeepsTheFirstEvent() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 10f));
            SeriesState before = h.state("a").copy();

            assertThat(h.send(obs("a", T0, 20f))).isEmpty();

            assertThat(h.state("a")).isEqualTo(before);
            assertThat(h.deadLetters()).extracting(d -> d.reason).containsExactly("duplicate");
            assertThat(h.metrics().deadLetters(RejectReason.DUPLICATE)).isEqualTo(1);
            assertThat(h.forecasts()).hasSize(1);
        }
    }

    @Test
    void aMissingValueIsKeptAsMissingAndForecastThroughWithTheLastValue() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 10f));
            h.send(obs("a", T0 + MINUTE, 12f));
            List<Forecast> atMissing = h.send(obs("a", T0 + 2 * MINUTE, Float.NaN));

            assertThat(atMissing).hasSize(1);
            assertThat(atMissing.get(0).values).containsExactly(12f, 12f, 12f);
            SeriesState a = h.state("a");
            assertThat(a.steps()).isEqualTo(3);
            assertThat(a.lastEventTime()).isEqualTo(T0 + 2 * MINUTE);
            assertThat(a.serving().liveScaler().count()).as("the scaler learns from real values only").isEqualTo(2);
            assertThat(a.serving().buffer().observed(2)).as("missing in the history").isNaN();
            assertThat(a.serving().buffer().filled(2)).isEqualTo(12f);
            assertThat(h.metrics().missingValues.getCount()).isEqualTo(1);

            h.send(obs("a", T0 + 3 * MINUTE, 15f));
            assertThat(h.state("a").serving().liveScaler().count()).isEqualTo(3);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void anInfiniteValueIsMissing() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(2))) {
            h.send(obs("a", T0, 1f));
            h.send(obs("a", T0 + MINUTE, 2f));
            h.send(obs("a", T0 + 2 * MINUTE, Float.POSITIVE_INFINITY));

            assertThat(h.state("a").serving().buffer().observed(2)).isNaN();
            assertThat(h.metrics().missingValues.getCount()).isEqualTo(1);
        }
    }

    @Test
    void beforeAnyValueAMissingEventForecastsNaN() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            List<Forecast> first = h.send(obs("a", T0, Float.NaN));

            assertThat(first.get(0).values).containsOnly(Float.NaN);
            assertThat(h.send(obs("a", T0 + MINUTE, 5f)).get(0).values).containsOnly(5f);
        }
    }

    @Test
    void theWrongNumberOfValuesIsDeadLettered() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            assertThat(h.send(obs("a", T0, 1f, 2f))).isEmpty();

            assertThat(h.deadLetters()).extracting(d -> d.reason).containsExactly("feature-count");
            assertThat(h.deadLetters().get(0).detail).isEqualTo("series a: expected 1 values per event, got 2");
            assertThat(h.state("a")).as("a rejected first event creates no state").isNull();
        }
    }

    @Test
    void seasonalNaiveRepeatsTheLatestSeasonUpToASeasonAhead() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(3).withHorizons(5))) {
            List<Forecast> out = List.of();
            for (int i = 0; i < 6; i++) {
                out = h.send(obs("a", T0 + i * MINUTE, i + 1f));
            }
            // after 1..6 with season 3: t+1 -> 4, t+2 -> 5, t+3 -> 6; beyond a season ahead, persistence
            assertThat(out.get(0).values).containsExactly(4f, 5f, 6f, 6f, 6f);
        }
    }

    @Test
    void seasonalNaiveFallsBackToPersistenceWhereTheValueASeasonBackIsNotKept() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(4))) {
            h.send(obs("a", T0, 1f));
            List<Forecast> out = h.send(obs("a", T0 + MINUTE, 2f));

            // t+1 and t+2 need t-3 and t-2 (not seen): persistence; t+3 needs t-1, which is kept
            assertThat(out.get(0).values).containsExactly(2f, 2f, 1f);
        }
    }

    @Test
    void aLongGapIsCountedAndResetsTheStateOnlyWhenAsked() throws Exception {
        for (boolean reset : new boolean[] {false, true}) {
            ForecastSettings s = settings.withGapRule(12, reset);
            try (ForecastHarness h = new ForecastHarness(s, List.of(TestModels.record(s.modelNames().fixedName(), 1,
                    Long.MIN_VALUE, false)), null, null)) {
                for (int i = 0; i < 5; i++) {
                    h.send(obs("a", T0 + i * MINUTE, i));
                }
                float[] before = h.state("a").serving().state(0).clone();
                long afterGap = T0 + 4 * MINUTE + 13 * MINUTE;
                List<Forecast> out = h.send(obs("a", afterGap, 7f));

                assertThat(h.metrics().gaps.getCount()).isEqualTo(1);
                assertThat(out.get(0).modelVersion).isEqualTo(1);
                float[] expected = stepped(s, reset ? new float[before.length] : before, afterGap);
                assertThat(h.state("a").serving().state(0)).containsExactly(expected);
                assertThat(h.state("a").typicalGapMillis()).as("one outage barely moves the typical interval")
                        .isLessThan(2 * MINUTE);
            }
        }
    }

    /** The state after one more event at {@code time}, stepped by the library from {@code from}. */
    private static float[] stepped(ForecastSettings s, float[] from, long time) throws Exception {
        io.flowcast.model.online.ServingModel m = TestModels.model(s.modelNames().fixedName(), 1, Long.MIN_VALUE, false);
        io.flowcast.model.online.ResidualForecaster f = new io.flowcast.model.online.ResidualForecaster(true, 0, 1);
        io.flowcast.model.online.ServingState st = new io.flowcast.model.online.ServingState(m.shape().ringLength());
        float[] p = new float[TestModels.HORIZON];
        for (int i = 0; i < 5; i++) {
            f.append(st, T0 + i * MINUTE, i);
            f.forecast(st, "a", m, null, p, null, null);
        }
        System.arraycopy(from, 0, st.state(0), 0, from.length);
        f.append(st, time, 7f);
        f.forecast(st, "a", m, null, p, null, null);
        return st.state(0);
    }

    @Test
    void metricsCountEventsForecastsDeadLettersAndKeys() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 1f));
            h.send(obs("a", T0, 1f));
            h.send(obs("b", T0, 1f));
            h.send(obs("b", T0 - MINUTE, 1f));
            h.send(obs("c", T0, Float.NaN));

            ForecastMetrics m = h.metrics();
            assertThat(m.eventsIn.getCount()).isEqualTo(5);
            assertThat(m.forecastsOut.getCount()).isEqualTo(3);
            assertThat(m.deadLetters(RejectReason.DUPLICATE)).isEqualTo(1);
            assertThat(m.deadLetters(RejectReason.LATE)).isEqualTo(1);
            assertThat(m.deadLetters(RejectReason.FEATURE_COUNT)).isZero();
            assertThat(m.missingValues.getCount()).isEqualTo(1);
            assertThat(m.keys()).isEqualTo(3);
            assertThat(m.stepLatencyNanos.getCount()).isEqualTo(3);
        }
    }
}
