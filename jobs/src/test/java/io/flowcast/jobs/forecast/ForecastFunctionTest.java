package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.RejectReason;
import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.features.StreamingScaler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forecaster's per-event rules, one key or a few, in Flink's keyed operator harness. */
class ForecastFunctionTest {

    private final ForecastSettings settings = ForecastSettings.defaults().withHiddenSize(8).withHorizons(3);

    @Test
    void keepsOneStatePerKeyAndAdvancesTheNetOnEveryEvent() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 10f));
            h.send(obs("b", T0, 100f));
            h.send(obs("a", T0 + MINUTE, 12f));
            List<Forecast> last = h.send(obs("a", T0 + 2 * MINUTE, 11f));

            SeriesState a = h.state("a");
            assertThat(a.steps()).isEqualTo(3);
            assertThat(a.lastEventTime()).isEqualTo(T0 + 2 * MINUTE);
            assertThat(a.modelVersion).isZero();
            assertThat(a.scaler.count()).isEqualTo(3);
            assertThat(a.scaler.mean(0)).isEqualTo(11.0);
            assertThat(a.valueBack(0, 0)).isEqualTo(11f);
            assertThat(a.valueBack(2, 0)).isEqualTo(10f);
            assertThat(a.recurrent).containsExactly(replay(new float[] {10f, 12f, 11f},
                    new long[] {T0, T0 + MINUTE, T0 + 2 * MINUTE}));

            SeriesState b = h.state("b");
            assertThat(b.steps()).isEqualTo(1);
            assertThat(b.recurrent).containsExactly(replay(new float[] {100f}, new long[] {T0}));

            assertThat(h.forecasts()).hasSize(4);
            Forecast f = last.get(0);
            assertThat(f.key).isEqualTo("a");
            assertThat(f.eventTime).isEqualTo(T0 + 2 * MINUTE);
            assertThat(f.rawTimestamp).isEqualTo("2024-03-04 00:02");
            assertThat(f.modelVersion).isZero();
            assertThat(f.values).containsExactly(11f, 11f, 11f);
            assertThat(f.p10).isNull();
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
    void aMissingValueAdvancesTheClockWithTheLastValueFedInItsPlace() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 10f));
            h.send(obs("a", T0 + MINUTE, 12f));
            List<Forecast> atMissing = h.send(obs("a", T0 + 2 * MINUTE, Float.NaN));

            assertThat(atMissing).hasSize(1);
            assertThat(atMissing.get(0).values).containsExactly(12f, 12f, 12f);
            SeriesState a = h.state("a");
            assertThat(a.steps()).isEqualTo(3);
            assertThat(a.lastEventTime()).isEqualTo(T0 + 2 * MINUTE);
            assertThat(a.scaler.count()).as("the scaler learns from real values only").isEqualTo(2);
            assertThat(a.valueBack(0, 0)).isEqualTo(12f);
            assertThat(a.recurrent).doesNotContain(Float.NaN);
            assertThat(h.metrics().missingValues.getCount()).isEqualTo(1);

            h.send(obs("a", T0 + 3 * MINUTE, 15f));
            assertThat(h.state("a").scaler.count()).isEqualTo(3);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void withASeasonAMissingValueIsImputedFromOneSeasonBack() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(2))) {
            h.send(obs("a", T0, 1f));
            h.send(obs("a", T0 + MINUTE, 2f));
            h.send(obs("a", T0 + 2 * MINUTE, 1f));
            h.send(obs("a", T0 + 3 * MINUTE, Float.POSITIVE_INFINITY));

            assertThat(h.state("a").valueBack(0, 0)).isEqualTo(2f);
        }
    }

    @Test
    void beforeAnyValueAMissingEventForecastsNaNAndFeedsTheMean() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            List<Forecast> first = h.send(obs("a", T0, Float.NaN));

            assertThat(first.get(0).values).containsOnly(Float.NaN);
            assertThat(h.state("a").recurrent).doesNotContain(Float.NaN);
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
    void seasonalNaiveRepeatsTheLatestSeason() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(3).withHorizons(5))) {
            List<Forecast> out = List.of();
            for (int i = 0; i < 6; i++) {
                out = h.send(obs("a", T0 + i * MINUTE, i + 1f));
            }
            // after 1..6 with season 3: t+1 -> 4, t+2 -> 5, t+3 -> 6, t+4 -> 4, t+5 -> 5
            assertThat(out.get(0).values).containsExactly(4f, 5f, 6f, 4f, 5f);
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
            try (ForecastHarness h = new ForecastHarness(s)) {
                for (int i = 0; i < 5; i++) {
                    h.send(obs("a", T0 + i * MINUTE, i));
                }
                long afterGap = T0 + 4 * MINUTE + 13 * MINUTE;
                h.send(obs("a", afterGap, 7f));

                assertThat(h.metrics().gaps.getCount()).isEqualTo(1);
                SeriesState a = h.state("a");
                float[] fromZero = stepFromZero(s, a.scaler.transform(0, 7f), afterGap);
                if (reset) {
                    assertThat(a.recurrent).containsExactly(fromZero);
                } else {
                    assertThat(a.recurrent).isNotEqualTo(fromZero);
                }
                assertThat(a.typicalGapMillis).as("one outage barely moves the typical interval")
                        .isLessThan(2 * MINUTE);
            }
        }
    }

    @Test
    void trainedWeightsForecastWithTheNetInTheSeriesUnits() throws Exception {
        RecurrentNet trained = RecurrentNet.initialized(settings.netConfig(), 7);
        WeightSource version3 = config -> new ModelWeights(3, RecurrentNet.initialized(config, 7));
        try (ForecastHarness h = new ForecastHarness(settings, version3, null, null)) {
            h.send(obs("a", T0, 10f));
            List<Forecast> out = h.send(obs("a", T0 + MINUTE, 14f));

            StreamingScaler scaler = new StreamingScaler(1);
            CalendarFeatures calendar = new CalendarFeatures();
            float[] state = trained.newState();
            float[] input = new float[settings.netConfig().inputSize()];
            float[] output = new float[settings.horizons()];
            for (float[] e : new float[][] {{10f, 0}, {14f, 1}}) {
                scaler.update(new float[] {e[0]});
                input[0] = scaler.transform(0, e[0]);
                calendar.write(T0 + (long) e[1] * MINUTE, input, 1);
                trained.step(state, input, output);
            }
            Forecast f = out.get(0);
            assertThat(f.modelVersion).isEqualTo(3);
            for (int k = 0; k < output.length; k++) {
                assertThat(f.values[k]).isEqualTo(scaler.inverse(0, output[k]));
            }
        }
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

    /** The recurrent state after feeding the series through the seeded net by hand. */
    private float[] replay(float[] values, long[] times) {
        RecurrentNet net = RecurrentNet.initialized(settings.netConfig(), settings.seed());
        StreamingScaler scaler = new StreamingScaler(1);
        CalendarFeatures calendar = new CalendarFeatures();
        float[] state = net.newState();
        float[] input = new float[settings.netConfig().inputSize()];
        float[] output = new float[settings.horizons()];
        for (int i = 0; i < values.length; i++) {
            scaler.update(new float[] {values[i]});
            input[0] = scaler.transform(0, values[i]);
            calendar.write(times[i], input, 1);
            net.step(state, input, output);
        }
        return state;
    }

    private static float[] stepFromZero(ForecastSettings s, float scaled, long time) {
        RecurrentNet net = RecurrentNet.initialized(s.netConfig(), s.seed());
        float[] state = net.newState();
        float[] input = new float[s.netConfig().inputSize()];
        input[0] = scaled;
        new CalendarFeatures().write(time, input, 1);
        net.step(state, input, new float[s.horizons()]);
        return state;
    }
}
