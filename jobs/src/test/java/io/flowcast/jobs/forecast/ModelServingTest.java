package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Models on the broadcast input (or preloaded): which version serves, and that it serves exactly as the library does. */
class ModelServingTest {

    private static final String NAME = "m";
    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(TestModels.HORIZON)
            .withModelNames(ModelNames.fixed(NAME)).withSeasonLength(TestModels.SEASON);

    private static float value(int i) {
        return i % 7 == 3 ? Float.NaN : (float) (10 + 3 * Math.sin(i * 0.7) + 0.1 * i);
    }

    /** What ResidualForecaster gives for key "a", event by event, with the model(s) given per event. */
    private static final class Direct {
        final ResidualForecaster f = new ResidualForecaster(true, TestModels.SEASON, 1);
        final ServingState s = new ServingState(f.baselineRingLength());
        final float[] point = new float[TestModels.HORIZON];
        final float[] low = new float[TestModels.HORIZON];
        final float[] high = new float[TestModels.HORIZON];

        long step(long t, float v, ServingModel current, ServingModel previous) {
            f.append(s, t, v);
            return current == null ? f.forecast(s, "a", null, null, point, null, null)
                    : f.forecast(s, "a", current, previous, point, low, high);
        }
    }

    @Test
    void aModelArrivingOnTheBroadcastSideServesLaterEventsExactlyAsTheLibraryDoes() throws Exception {
        ServingModel v1 = TestModels.model(NAME, 1, T0 + 9 * MINUTE, true);
        ServingModel v2 = TestModels.model(NAME, 2, T0 + 19 * MINUTE, true);
        Direct direct = new Direct();
        try (ForecastHarness h = new ForecastHarness(settings)) {
            for (int i = 0; i < 30; i++) {
                if (i == 10) {
                    h.sendModel(ModelRecord.of(v1));
                }
                if (i == 20) {
                    h.sendModel(ModelRecord.of(v2));
                }
                long t = T0 + i * MINUTE;
                Forecast f = h.send(obs("a", t, value(i))).get(0);
                ServingModel current = i < 10 ? null : i < 20 ? v1 : v2;
                long version = direct.step(t, value(i), current, i < 20 ? null : v1);

                assertThat(f.modelVersion).as("event %d", i).isEqualTo(version).isEqualTo(current == null ? 0 : current.version());
                assertThat(f.values).as("event %d", i).containsExactly(direct.point);
                if (current == null) {
                    assertThat(f.p10).isNull();
                } else {
                    assertThat(f.p10).as("event %d", i).containsExactly(direct.low);
                    assertThat(f.p90).as("event %d", i).containsExactly(direct.high);
                }
            }
            assertThat(h.metrics().modelsReceived.getCount()).isEqualTo(2);
            assertThat(h.metrics().rewarms.getCount()).as("v1 into slot 0, v2 into slot 1").isEqualTo(2);
            assertThat(h.function.heldVersions().get(NAME)).containsExactly(1, 2);
        }
    }

    @Test
    void eventsAtOrBeforeTrainedUpToKeepTheOlderVersionSoPreloadedVersionsNeverLookAhead() throws Exception {
        List<ModelRecord> all = List.of(TestModels.record(NAME, 1, T0 + 4 * MINUTE, false),
                TestModels.record(NAME, 2, T0 + 9 * MINUTE, false), TestModels.record(NAME, 3, T0 + 14 * MINUTE, false),
                TestModels.record(NAME, 4, T0 + 19 * MINUTE, false));
        try (ForecastHarness h = new ForecastHarness(settings, all, null, null)) {
            List<Long> versions = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                versions.add(h.send(obs("a", T0 + i * MINUTE, value(i))).get(0).modelVersion);
            }
            Long[] expected = new Long[25];
            for (int i = 0; i < 25; i++) {
                expected[i] = i <= 4 ? 0L : i <= 9 ? 1L : i <= 14 ? 2L : i <= 19 ? 3L : 4L;
            }
            assertThat(versions).containsExactly(expected);
            assertThat(h.function.heldVersions().get(NAME)).as("preloaded versions are all kept").containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void aCorruptModelRecordIsRejectedAndTheCurrentModelStays() throws Exception {
        ModelRecord good = TestModels.record(NAME, 1, Long.MIN_VALUE, false);
        byte[] corrupt = good.payload.clone();
        corrupt[corrupt.length / 2] ^= 0x55;
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.sendModel(good);
            h.send(obs("a", T0, 1f));
            h.sendModel(new ModelRecord(NAME, 2, T0, corrupt));
            Forecast f = h.send(obs("a", T0 + MINUTE, 2f)).get(0);

            assertThat(f.modelVersion).isEqualTo(1);
            assertThat(h.metrics().modelsRejected.getCount()).isEqualTo(1);
            assertThat(h.function.heldVersions().get(NAME)).containsExactly(1);
            DeadLetter d = h.deadLetters().get(0);
            assertThat(d.reason).isEqualTo("bad-model");
            assertThat(d.topic).isEqualTo("models");
            assertThat(d.detail).contains("m v2").contains("CHECKSUM_MISMATCH");
        }
    }

    @Test
    void theCheckRejectsWhatDoesNotParseAndPassesTheRest() {
        ModelRecordCheck check = new ModelRecordCheck(settings);
        long now = System.currentTimeMillis();
        ModelRecord good = TestModels.record(NAME, 1, 0, false);
        assertThat(check.check(good, null, now).kind()).isEqualTo(ModelRecordCheck.Verdict.Kind.TAKE);
        assertThat(check.check(new ModelRecord(NAME, -1, Long.MIN_VALUE, new byte[] {1, 2, 3}), null, now).problem())
                .contains("TRUNCATED");
        assertThat(check.check(new ModelRecord(NAME, 1, Long.MIN_VALUE, null), null, now).problem()).contains("TRUNCATED");
        assertThat(check.check(new ModelRecord("other", 1, 0, good.payload), null, now).problem()).contains("MALFORMED");
        byte[] bad = Arrays.copyOf(good.payload, good.payload.length);
        bad[0] = 'X';
        assertThat(check.check(new ModelRecord(NAME, 1, 0, bad), null, now).problem()).contains("NOT_A_MODEL_FILE");
    }

    @Test
    void streamedVersionsAreBoundedToTheNewestThreeInBroadcastState() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            for (long v = 1; v <= 5; v++) {
                h.sendModel(TestModels.record(NAME, v, T0 + v, false));
            }
            h.sendModel(TestModels.record(NAME, 4, T0 + 4, false)); // a replay of a held version changes nothing
            assertThat(h.function.heldVersions().get(NAME)).containsExactly(3, 4, 5);
            List<String> keys = new ArrayList<>();
            h.harness.getBroadcastState(ForecastFunction.MODELS).entries().forEach(e -> keys.add(e.getKey()));
            assertThat(keys).containsExactlyInAnyOrder("m#3", "m#4", "m#5");
        }
    }
}
