package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.kafka.ModelRecordDeserializer;
import io.flowcast.jobs.kafka.ModelRecordHeaders;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.models.ModelRecordLimits;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.HostileModelPayloads;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ServingModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records anyone could write to the {@code models} topic, sent on the forecaster's broadcast input while
 * v1 and v2 serve (v2, with v1 in the ensemble). Each is rejected: one dead letter {@code bad-model}
 * naming the problem, {@code modelsRejected} counted, the versions held and the broadcast state
 * unchanged, and the next forecasts exactly those of a forecaster that never saw the record.
 */
class HostileModelRecordsTest {

    private static final String NAME = "m";
    private static final ForecastSettings SETTINGS = ForecastSettings.defaults().withHorizons(TestModels.HORIZON)
            .withModelNames(ModelNames.fixed(NAME)).withSeasonLength(TestModels.SEASON);
    private static final int SEASONAL_INPUTS = new ServingModel.Shape(TestModels.HORIZON, 6, 4, 1, false).inputSize();
    private static final long DAY = Duration.ofDays(1).toMillis();

    private static ModelRecord v(long version) {
        return TestModels.record(NAME, version, T0 - MINUTE, false);
    }

    private static ServingModel.Shape shape(int window, int season, int seasons) {
        return new ServingModel.Shape(TestModels.HORIZON, window, season, seasons, false);
    }

    private static ModelRecord of(ServingModel m) {
        return ModelRecord.of(m);
    }

    /** v3 with {@code payload}, as a record whose key and headers say v3. */
    private static ModelRecord v3(byte[] payload) {
        return new ModelRecord(NAME, 3, T0 - MINUTE, payload);
    }

    /** What the Kafka source makes of a record: key and value as given, no headers. */
    private static ModelRecord fromKafka(byte[] key, byte[] value) {
        List<ModelRecord> out = new ArrayList<>();
        new ModelRecordDeserializer().deserialize(new ConsumerRecord<>("models", 0, 0L, key, value),
                new ListCollector(out));
        return out.get(0);
    }

    static Stream<Arguments> hostileRecords() {
        byte[] good = v(3).payload;
        byte[] key = NAME.getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                // 1. It decodes, but cannot be served.
                hostile("a net whose input width is not what the forecaster feeds",
                        () -> of(HostileModelPayloads.model(NAME, 3, T0 - MINUTE, shape(6, 4, 1), SEASONAL_INPUTS - 4)),
                        "net reads " + (SEASONAL_INPUTS - 4) + " inputs per step, the forecaster feeds " + SEASONAL_INPUTS),
                hostile("a re-warm window of 1.5e9 steps",
                        () -> of(HostileModelPayloads.model(NAME, 3, T0 - MINUTE, shape(1_500_000_000, 4, 1), SEASONAL_INPUTS)),
                        "re-warm window of 1500000000 steps, at most 10000"),
                hostile("a history longer than a series may keep",
                        () -> of(HostileModelPayloads.model(NAME, 3, T0 - MINUTE, shape(96, 1_000_000, 3), SEASONAL_INPUTS)),
                        "a history of 3000096 steps per series"),
                hostile("a season times seasons that overflows an int",
                        () -> of(HostileModelPayloads.model(NAME, 3, T0 - MINUTE, shape(96, Integer.MAX_VALUE, 52),
                                SEASONAL_INPUTS)),
                        "a history of " + (96 + 52L * Integer.MAX_VALUE) + " steps"),
                hostile("a billion seasons",
                        () -> of(HostileModelPayloads.model(NAME, 3, T0 - MINUTE, shape(6, 0, 1_000_000_000),
                                SEASONAL_INPUTS - 4)),
                        "1000000000 seasons, at most 52"),
                hostile("another horizon than the job forecasts",
                        () -> of(TestModels.model(NAME, 3, T0 - MINUTE, false, TestModels.HORIZON + 2)),
                        "horizon 5, the job forecasts 3"),
                hostile("a model name no series of the job uses",
                        () -> TestModels.record("other", 3, T0 - MINUTE, false),
                        "model name 'other' serves no series of this job"),
                // 2. Versions and times beyond the rule.
                hostile("version Long.MAX_VALUE", () -> of(TestModels.model(NAME, Long.MAX_VALUE, T0 - MINUTE, false)),
                        "version 9223372036854775807 is outside 1..2147483647"),
                hostile("a version more than 1000 above the newest held (2)", () -> v(2 + 1001),
                        "version 1003 is more than 1000 above the newest version held, 2"),
                hostile("trainedUpTo Long.MAX_VALUE", () -> TestModels.record(NAME, 3, Long.MAX_VALUE, false),
                        "trainedUpTo 9223372036854775807 ms is outside the years 0000 to 9999"),
                hostile("trainedUpTo before year 0", () -> TestModels.record(NAME, 3, Long.MIN_VALUE + 1, false),
                        "is outside the years 0000 to 9999"),
                hostile("trainedUpTo 400 days ahead of the clock",
                        () -> TestModels.record(NAME, 3, System.currentTimeMillis() + 400 * DAY, false),
                        "days ahead of the clock"),
                // 3. Bytes that are not a model, or not this one.
                hostile("a truncated payload", () -> v3(HostileModelPayloads.truncated(good)), "TRUNCATED"),
                hostile("random bytes", () -> fromKafka(key, HostileModelPayloads.random(11, 5000)), "NOT_A_MODEL_FILE"),
                hostile("a wrong magic", () -> v3(HostileModelPayloads.withMagic(good, "FCST")), "NOT_A_MODEL_FILE"),
                hostile("an unknown format version", () -> v3(HostileModelPayloads.withFormatVersion(good, 3)),
                        "UNSUPPORTED_VERSION"),
                hostile("a flipped byte", () -> v3(HostileModelPayloads.flipped(good)), "CHECKSUM_MISMATCH"),
                hostile("bytes after the declared length", () -> v3(HostileModelPayloads.withTrailingBytes(good)),
                        "TRAILING_BYTES"),
                hostile("a NaN weight", () -> v3(HostileModelPayloads.withNetParameter(good, 0, Float.NaN)),
                        "NON_FINITE_PARAMETER"),
                hostile("an infinite weight",
                        () -> v3(HostileModelPayloads.withNetParameter(good, 17, Float.NEGATIVE_INFINITY)),
                        "NON_FINITE_PARAMETER"),
                hostile("a NaN baseline coefficient",
                        () -> v3(HostileModelPayloads.withBaselineCoefficient(good, NAME, 1, Float.NaN)),
                        "NON_FINITE_PARAMETER"),
                hostile("a net claiming 2^30 layers",
                        () -> v3(HostileModelPayloads.withNetInt(good, HostileModelPayloads.NET_LAYERS, 1 << 30)),
                        "PARAMETER_COUNT_MISMATCH"),
                hostile("a net whose width says another input count than its weights",
                        () -> v3(HostileModelPayloads.withNetInt(good, HostileModelPayloads.NET_INPUT_SIZE, 1 << 29)),
                        "PARAMETER_COUNT_MISMATCH"),
                hostile("a payload above the topic's record limit",
                        () -> v3(new byte[ModelRecordLimits.MAX_RECORD_BYTES]), "above the models topic's limit"),
                hostile("a record with no key", () -> fromKafka(null, good), "no model name (record key)"),
                hostile("a tombstone (null value)", () -> fromKafka(key, null), "no payload (a tombstone"),
                hostile("headers that disagree with the payload", () -> {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(ModelRecordHeaders.VERSION, "7".getBytes(StandardCharsets.US_ASCII));
                    headers.add(ModelRecordHeaders.TRAINED_UP_TO, "0".getBytes(StandardCharsets.US_ASCII));
                    List<ModelRecord> out = new ArrayList<>();
                    new ModelRecordDeserializer().deserialize(new ConsumerRecord<>("models", 0, 0L, 0L,
                            TimestampType.CREATE_TIME, 0, 0, key, good, headers, Optional.empty()), new ListCollector(out));
                    return out.get(0);
                }, "record says m v7 trained up to 0, its payload m v3"));
    }

    private static Arguments hostile(String kind, Supplier<ModelRecord> record, String detail) {
        return Arguments.of(kind, record, detail);
    }

    /** v1 and v2 held, four series warm: the state every case starts from. */
    private static ForecastHarness serving(int parallelism, int subtask) throws Exception {
        ForecastHarness h = new ForecastHarness(new ForecastFunction(SETTINGS, List.of()), null, null, parallelism,
                subtask);
        h.sendModel(v(1));
        h.sendModel(v(2));
        for (int i = 0; i < 12; i++) {
            for (String key : keys(parallelism, subtask)) {
                h.send(obs(key, T0 + i * MINUTE, value(i, key)));
            }
        }
        return h;
    }

    /** The series keys subtask {@code subtask} of {@code parallelism} owns, of a few. */
    private static List<String> keys(int parallelism, int subtask) {
        return Stream.of("a", "b", "c", "d", "e", "f", "g", "h").filter(key -> KeyGroupRangeAssignment
                .assignKeyToParallelOperator(key, ForecastHarness.MAX_PARALLELISM, parallelism) == subtask).toList();
    }

    private static float value(int i, String key) {
        return (float) (10 + key.charAt(0) % 5 + 3 * Math.sin(i * 0.7));
    }

    private static List<String> broadcastKeys(ForecastHarness h) throws Exception {
        List<String> keys = new ArrayList<>();
        h.harness.getBroadcastState(ForecastFunction.MODELS).entries().forEach(e -> keys.add(e.getKey()));
        return keys;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRecords")
    void aHostileRecordIsRejectedAndTheServingVersionsStay(String kind, Supplier<ModelRecord> hostile, String detail)
            throws Exception {
        ModelRecord r = hostile.get();
        try (ForecastHarness attacked = serving(1, 0); ForecastHarness control = serving(1, 0)) {
            attacked.sendModel(r); // an exception here would fail the job, and again on every restart

            assertThat(attacked.metrics().modelsRejected.getCount()).isEqualTo(1);
            assertThat(attacked.metrics().modelsReceived.getCount()).isEqualTo(3);
            assertThat(attacked.deadLetters()).hasSize(1);
            DeadLetter d = attacked.deadLetters().get(0);
            assertThat(d.reason).isEqualTo("bad-model");
            assertThat(d.topic).isEqualTo("models");
            assertThat(d.detail).startsWith("model record " + r.name + " v" + r.version + " rejected: ").contains(detail);
            boolean copied = r.payload != null && r.payload.length <= BadModelDeadLetter.MAX_COPIED_PAYLOAD_BYTES;
            assertThat(d.rawBase64).isEqualTo(copied ? Base64.getEncoder().encodeToString(r.payload) : null);
            assertThat(attacked.function.heldVersions()).containsOnlyKeys(NAME);
            assertThat(attacked.function.heldVersions().get(NAME)).containsExactly(1, 2);
            assertThat(broadcastKeys(attacked)).containsExactlyInAnyOrder("m#1", "m#2");

            for (int i = 12; i < 16; i++) {
                for (String key : keys(1, 0)) {
                    Forecast got = attacked.send(obs(key, T0 + i * MINUTE, value(i, key))).get(0);
                    Forecast expected = control.send(obs(key, T0 + i * MINUTE, value(i, key))).get(0);
                    assertThat(got.modelVersion).as("%s at %d", key, i).isEqualTo(2);
                    assertThat(got.values).as("%s at %d", key, i).containsExactly(expected.values);
                }
            }
            assertThat(attacked.metrics().rewarms.getCount()).isEqualTo(control.metrics().rewarms.getCount());
        }
    }

    @Test
    void onlySubtaskZeroWritesTheDeadLetterButEverySubtaskRejectsAndCounts() throws Exception {
        ModelRecord r = TestModels.record(NAME, Long.MAX_VALUE, T0 - MINUTE, false);
        try (ForecastHarness zero = serving(2, 0); ForecastHarness one = serving(2, 1)) {
            zero.sendModel(r);
            one.sendModel(r);
            assertThat(zero.deadLetters()).hasSize(1);
            assertThat(one.deadLetters()).isEmpty();
            for (int subtask = 0; subtask < 2; subtask++) {
                ForecastHarness h = subtask == 0 ? zero : one;
                assertThat(h.metrics().modelsRejected.getCount()).isEqualTo(1);
                assertThat(h.function.heldVersions().get(NAME)).containsExactly(1, 2);
                String key = keys(2, subtask).get(0);
                assertThat(h.send(obs(key, T0 + 20 * MINUTE, 1f)).get(0).modelVersion).isEqualTo(2);
            }
        }
    }

    @Test
    void anOlderVersionArrivingAfterANewerOneIsNotTakenNorDeadLettered() throws Exception {
        // v3 arrives first (v1 and v2 were never seen: a first start on a compacted topic), then v2.
        try (ForecastHarness h = new ForecastHarness(SETTINGS); ForecastHarness control = new ForecastHarness(SETTINGS)) {
            h.sendModel(v(3));
            control.sendModel(v(3));
            h.sendModel(v(2));
            assertThat(h.function.heldVersions().get(NAME)).as("the older version is not held").containsExactly(3);
            assertThat(broadcastKeys(h)).containsExactly("m#3");
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.metrics().modelsRejected.getCount()).isZero();
            for (int i = 0; i < 10; i++) {
                Forecast got = h.send(obs("a", T0 + i * MINUTE, value(i, "a"))).get(0);
                Forecast expected = control.send(obs("a", T0 + i * MINUTE, value(i, "a"))).get(0);
                assertThat(got.modelVersion).isEqualTo(3);
                assertThat(got.values).as("v3 alone: v2 is not its ensemble partner").containsExactly(expected.values);
            }
        }
    }

    @Test
    void theVersionRuleTakesUpToTheBoundAndOneMoreIsRefused() throws Exception {
        try (ForecastHarness h = new ForecastHarness(SETTINGS)) {
            h.sendModel(v(2));
            h.sendModel(v(2 + ModelVersionRule.MAX_VERSION_STEP + 1));
            h.sendModel(v(2 + ModelVersionRule.MAX_VERSION_STEP));
            h.sendModel(v(ModelVersionRule.MAX_VERSION)); // more than 1000 above 1002
            assertThat(h.function.heldVersions().get(NAME)).containsExactly(2, 1002);
            assertThat(h.deadLetters()).hasSize(2);
        }
        try (ForecastHarness fresh = new ForecastHarness(SETTINGS)) {
            fresh.sendModel(v(ModelVersionRule.MAX_VERSION)); // the first a forecaster sees: only the absolute bound
            assertThat(fresh.function.heldVersions().get(NAME)).containsExactly(ModelVersionRule.MAX_VERSION);
        }
    }

    @Test
    void trainedUpToBoundsAndTheNoDataSentinel() {
        long now = T0 + 1000 * DAY;
        assertThat(ModelVersionRule.problem(1, Long.MIN_VALUE, 0, now)).as("trained on no dated data").isNull();
        assertThat(ModelVersionRule.problem(1, ModelVersionRule.MIN_TRAINED_UP_TO, 0, now)).isNull();
        assertThat(ModelVersionRule.problem(1, ModelVersionRule.MIN_TRAINED_UP_TO - 1, 0, now)).contains("outside the years");
        assertThat(ModelVersionRule.problem(1, now + 366 * DAY, 0, now)).isNull();
        assertThat(ModelVersionRule.problem(1, now + 366 * DAY + 1, 0, now)).contains("366 days ahead of the clock");
        assertThat(ModelVersionRule.problem(1, ModelVersionRule.MAX_TRAINED_UP_TO, 0, ModelVersionRule.MAX_TRAINED_UP_TO))
                .isNull();
        assertThat(ModelVersionRule.problem(1, ModelVersionRule.MAX_TRAINED_UP_TO + 1, 0, Long.MAX_VALUE / 2))
                .contains("outside the years");
        assertThat(ModelVersionRule.problem(0, 0, 0, now)).contains("outside 1..");
    }

    @Test
    void aReplayOfAHeldVersionChangesNothingAndIsNotDeadLettered() throws Exception {
        try (ForecastHarness h = serving(1, 0)) {
            h.sendModel(v(2));
            h.sendModel(v(1));
            assertThat(h.deadLetters()).isEmpty();
            assertThat(h.function.heldVersions().get(NAME)).containsExactly(1, 2);
        }
    }

    @Test
    void aRestoredOrPreloadedModelThatCannotServeHereIsLeftOutOrRefused() throws Exception {
        OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(SETTINGS)) {
            h.sendModel(v(1));
            snapshot = h.snapshot(1);
        }
        // The same job restarted with another horizon: v1 cannot serve it.
        ForecastSettings other = SETTINGS.withHorizons(TestModels.HORIZON + 1);
        try (ForecastHarness h = new ForecastHarness(other, List.of(), null, snapshot)) {
            assertThat(h.send(obs("a", T0, 1f)).get(0).modelVersion).isZero();
            assertThat(h.function.heldVersions().get(NAME)).isEmpty();
        }
        assertThatThrownBy(() -> new ForecastHarness(other, List.of(v(1)), null, null))
                .hasRootCauseInstanceOf(ModelFormatException.class)
                .rootCause().hasMessageContaining("horizon 3, the job forecasts 4");
    }

    /** A collector into a list. */
    private record ListCollector(List<ModelRecord> out) implements org.apache.flink.util.Collector<ModelRecord> {
        @Override
        public void collect(ModelRecord record) {
            out.add(record);
        }

        @Override
        public void close() {
        }
    }
}
