package io.flowcast.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.testing.PublishedSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The parse stage as the job runs it: the wall-clock rule ({@code future-time}) and the bounded dead
 * letter, through a Flink test harness whose processing time the test sets.
 */
class ParseObservationsTest {

    private static final long NOW = Instant.parse("2026-12-03T12:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();

    private static RawKafkaRecord record(long offset, String json) {
        return record(offset, json.getBytes(StandardCharsets.UTF_8));
    }

    private static RawKafkaRecord record(long offset, byte[] value) {
        return new RawKafkaRecord(null, value, "observations", 0, offset);
    }

    private static String at(String key, long ts) {
        return "{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"value\":1}";
    }

    private static OneInputStreamOperatorTestHarness<RawKafkaRecord, Observation> harness(Duration maxAhead)
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(
                new ParseObservations(new ObservationParser(1), new FutureTimeRule(maxAhead)));
        h.setProcessingTime(NOW);
        return h;
    }

    private static List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<RawKafkaRecord, Observation> h) {
        var side = h.getSideOutput(ParseObservations.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void anEventMoreThanMaxAheadOfTheWallClockIsFutureTimeAndNeverReachesEventTime() throws Exception {
        try (var h = harness(Duration.ofDays(1))) {
            h.processElement(record(0, at("a", NOW - 1000)), 0);
            h.processElement(record(1, at("a", NOW + DAY)), 0);          // exactly the bound: accepted
            h.processElement(record(2, at("a", NOW + DAY + 1)), 0);      // one ms beyond: refused
            h.processElement(record(3, "{\"key\":\"a\",\"ts\":\"9999-12-31T23:59:59Z\",\"value\":1}"), 0);
            h.processElement(record(4, at("a", NOW + 2000)), 0);

            assertThat(h.extractOutputValues()).extracting(o -> o.timestamp)
                    .containsExactly(NOW - 1000, NOW + DAY, NOW + 2000);
            List<DeadLetter> dead = deadLetters(h);
            assertThat(dead).extracting(d -> d.offset).containsExactly(2L, 3L);
            assertThat(dead).extracting(d -> d.reason).containsOnly("future-time");
            assertThat(dead.get(0).detail).contains("PT24H").contains("--max-ahead").contains("2026-12-03T12:00:00Z");
        }
    }

    @Test
    void theWallClockIsTheTasksSoTheBoundMovesWithIt() throws Exception {
        try (var h = harness(Duration.ofHours(1))) {
            long later = NOW + Duration.ofHours(3).toMillis();
            h.processElement(record(0, at("a", later)), 0);
            h.setProcessingTime(later - Duration.ofHours(1).toMillis());
            h.processElement(record(1, at("a", later)), 0);
            assertThat(deadLetters(h)).extracting(d -> d.offset).containsExactly(0L);
            assertThat(h.extractOutputValues()).extracting(o -> o.timestamp).containsExactly(later);
        }
    }

    @Test
    void zeroMaxAheadAcceptsAnyTimeInTheRange() throws Exception {
        try (var h = harness(Duration.ZERO)) {
            h.processElement(record(0, "{\"key\":\"a\",\"ts\":\"9999-12-31T23:59:59.999Z\",\"value\":1}"), 0);
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void historyAsTheDemoTheBacktestAndTheBenchmarksWriteItPasses() throws Exception {
        try (var h = harness(FutureTimeRule.DEFAULT_MAX_AHEAD)) {
            h.processElement(record(0, "{\"key\":\"Dongsi\",\"ts\":\"2013-03-01T00:00:00Z\",\"value\":9}"), 0);
            h.processElement(record(1, "{\"key\":\"series-1\",\"ts\":\"2024-01-01T00:00:00Z\",\"value\":9}"), 0);
            h.processElement(record(2, "{\"key\":\"a\",\"ts\":\"1970-01-01T00:00:00Z\",\"value\":9}"), 0);
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void aNearlyOneMegabyteRecordGivesADeadLetterOfAtMost64KiBOfItsValue() throws Exception {
        byte[] value = new byte[900_000];
        new Random(7).nextBytes(value); // not UTF-8, so not-json
        try (var h = harness(FutureTimeRule.DEFAULT_MAX_AHEAD)) {
            h.processElement(record(5, value), 0);
            DeadLetter d = deadLetters(h).get(0);
            assertThat(d.reason).isEqualTo("not-json");
            assertThat(d.rawSize).isEqualTo(900_000);
            assertThat(d.rawTruncated).isTrue();
            assertThat(Base64.getDecoder().decode(d.rawBase64)).isEqualTo(Arrays.copyOf(value, DeadLetter.MAX_RAW_BYTES));
            byte[] json = DeadLetterJson.write(d);
            assertThat(json.length).isLessThan(100_000);
            assertThat(PublishedSchemas.validate(PublishedSchemas.DEAD_LETTERS, json)).isEmpty();
            assertThat(DeadLetterJson.read(json)).isEqualTo(d);
        }
    }

    @Test
    void aValueOfExactly64KiBIsKeptWholeAndOneByteMoreIsCut() {
        byte[] exact = new byte[DeadLetter.MAX_RAW_BYTES];
        Arrays.fill(exact, (byte) 'x');
        DeadLetter whole = ParseObservations.deadLetter(record(0, exact),
                new ParseResult.Rejected(io.flowcast.jobs.records.RejectReason.NOT_JSON, "x"));
        assertThat(whole.rawTruncated).isFalse();
        assertThat(Base64.getDecoder().decode(whole.rawBase64)).isEqualTo(exact);
        byte[] more = Arrays.copyOf(exact, exact.length + 1);
        DeadLetter cut = ParseObservations.deadLetter(record(0, more),
                new ParseResult.Rejected(io.flowcast.jobs.records.RejectReason.NOT_JSON, "x"));
        assertThat(cut.rawTruncated).isTrue();
        assertThat(cut.rawSize).isEqualTo(exact.length + 1);
        assertThat(Base64.getDecoder().decode(cut.rawBase64)).isEqualTo(exact);
    }

    @Test
    void aDeadLetterMadeFromHugeBase64OrTextIsBoundedToo() throws Exception {
        // The forecaster's bad-model dead letters come from base64 of a model record of up to 16 MiB.
        byte[] payload = new byte[2_000_001];
        new Random(3).nextBytes(payload);
        DeadLetter d = new DeadLetter(Base64.getEncoder().encodeToString(payload), "models", -1, -1, "bad-model",
                "y".repeat(50_000) + "\ud800");
        assertThat(d.rawSize).isEqualTo(payload.length);
        assertThat(d.rawTruncated).isTrue();
        assertThat(Base64.getDecoder().decode(d.rawBase64)).isEqualTo(Arrays.copyOf(payload, DeadLetter.MAX_RAW_BYTES));
        assertThat(d.detail).hasSize(DeadLetter.MAX_TEXT_CHARS).endsWith("...");
        byte[] json = DeadLetterJson.write(d);
        assertThat(json.length).isLessThan(100_000);
        assertThat(PublishedSchemas.validate(PublishedSchemas.DEAD_LETTERS, json)).isEmpty();

        DeadLetter surrogate = DeadLetter.of(new byte[] {1}, "t", 0, 0, "bad-key", "key a\ud800b and \ud83d\ude00");
        assertThat(surrogate.detail).isEqualTo("key a\ufffdb and \ud83d\ude00");
        DeadLetter small = new DeadLetter("eyJrZXkiOiJhIn0=", "observations", 1, 42, "no-key", "no \"key\"");
        assertThat(small.rawSize).isEqualTo(11);
        assertThat(small.rawTruncated).isFalse();
    }
}
