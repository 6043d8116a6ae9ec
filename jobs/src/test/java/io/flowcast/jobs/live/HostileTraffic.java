package io.flowcast.jobs.live;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Seeded traffic for the {@code observations} topic with hostile records mixed into good ones, and
 * what must come out of it: one persistence forecast per good record, one dead letter with its stable
 * reason per bad one. Good records come from series whose events are in order within their partition,
 * in every accepted form (ISO time, epoch millis, an offset, the record key as series key,
 * {@code values}, missing values, unknown fields, multi-byte keys, a key of the maximum length).
 * Bad records: every kind the parse stage rejects (see {@link #PARSE_KINDS}), plus {@code late} and
 * {@code duplicate} events the forecaster rejects.
 */
final class HostileTraffic {

    static final long START = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
    static final long STEP = Duration.ofHours(1).toMillis();
    /** The default --max-key-bytes. */
    static final int MAX_KEY_BYTES = 1_024;

    /** What a bad record is made from: the series it pretends to be of (if any), and the wall clock. */
    record Context(Random random, String seriesKey, long validTime, long now) {
    }

    /** One bad record: its Kafka key (may be null) and value (null: tombstone). */
    record Bad(byte[] key, byte[] value) {
    }

    /** A kind of bad record and the reason it must be rejected for. {@code poisonClass}: the brief's 1-5, else 0. */
    record Kind(String name, String reason, int poisonClass, boolean large, java.util.function.Function<Context, Bad> make) {
    }

    /** Every kind the parse stage must reject: small ones are mixed in at random, large ones a few times. */
    static final List<Kind> PARSE_KINDS = List.of(
            // not-json
            kind("tombstone", "not-json", c -> new Bad(null, null)),
            kind("empty", "not-json", c -> new Bad(null, new byte[0])),
            kind("garbage", "not-json", c -> value("this is not json " + c.random().nextInt())),
            kind("truncated", "not-json", c -> value("{\"key\":\"" + c.seriesKey() + "\",\"ts\":" + c.validTime())),
            kind("array", "not-json", c -> value("[1,2,3]")),
            kind("trailing", "not-json", c -> value(good(c) + " x")),
            kind("duplicate-field", "not-json", c -> value("{\"key\":\"a\",\"key\":\"b\",\"ts\":" + c.validTime() + ",\"value\":1}")),
            kind("nan-token", "not-json", c -> value(withValue(c, "NaN"))),
            kind("infinity-token", "not-json", c -> value(withValue(c, "-Infinity"))),
            kind("number-2000-digits", "not-json", c -> value(withValue(c, "7".repeat(2_000)))),
            kind("utf-16le", 5, "not-json", c -> new Bad(null, good(c).getBytes(StandardCharsets.UTF_16LE))),
            kind("utf-16-bom", 5, "not-json", c -> new Bad(null, good(c).getBytes(StandardCharsets.UTF_16))),
            kind("utf-32", 5, "not-json", c -> new Bad(null, good(c).getBytes(Charset.forName("UTF-32LE")))),
            kind("utf-8-bom", 5, "not-json", c -> new Bad(null, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                    good(c).getBytes(StandardCharsets.UTF_8)))),
            kind("invalid-utf-8", 5, "not-json", c -> new Bad(null, concat(("{\"key\":\"" + c.seriesKey() + "\",\"ts\":"
                    + c.validTime() + ",\"value\":1,\"x\":\"").getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xC0, (byte) 0xAF, '"', '}'}))),
            large("nesting-10000", "not-json", c -> value(withValue(c, "1,\"x\":" + "[".repeat(10_000) + "]".repeat(10_000)))),
            large("garbage-900KB", 1, "not-json", c -> value("<" + "x".repeat(900_000) + ">")),
            // no-key
            kind("no-key", "no-key", c -> value("{\"ts\":" + c.validTime() + ",\"value\":1}")),
            kind("empty-key", "no-key", c -> value("{\"key\":\"\",\"ts\":" + c.validTime() + ",\"value\":1}")),
            kind("blank-key", "no-key", c -> value("{\"key\":\" \\t \",\"ts\":" + c.validTime() + ",\"value\":1}")),
            kind("number-key", "no-key", c -> value("{\"key\":7,\"ts\":" + c.validTime() + ",\"value\":1}")),
            kind("blank-record-key", "no-key", c -> new Bad(utf8("  "), utf8("{\"ts\":" + c.validTime() + ",\"value\":1}"))),
            // bad-key
            kind("key-1025-bytes", 2, "bad-key", c -> value(keyed("\"" + "k".repeat(MAX_KEY_BYTES + 1) + "\"", c))),
            large("key-70000-bytes", 2, "bad-key", c -> value(keyed("\"" + "k".repeat(70_000) + "\"", c))),
            kind("record-key-not-utf-8", 2, "bad-key", c -> new Bad(new byte[] {'k', (byte) 0xFF},
                    utf8("{\"ts\":" + c.validTime() + ",\"value\":1}"))),
            kind("record-key-too-long", 2, "bad-key", c -> new Bad(utf8("r".repeat(MAX_KEY_BYTES + 1)),
                    utf8("{\"ts\":" + c.validTime() + ",\"value\":1}"))),
            kind("lone-surrogate-key", 2, "bad-key", c -> value(keyed("\"" + c.seriesKey() + "\\ud800\"", c))),
            // bad-time
            kind("no-ts", "bad-time", c -> value("{\"key\":\"" + c.seriesKey() + "\",\"value\":1}")),
            kind("naive-ts", "bad-time", c -> value(timed(c, "\"2020-01-01 00:30:00\""))),
            kind("fraction-ts", "bad-time", c -> value(timed(c, "1.5"))),
            kind("ts-long-min", 3, "bad-time", c -> value("{\"key\":\"fresh-" + c.random().nextInt(1_000_000)
                    + "\",\"ts\":" + Long.MIN_VALUE + ",\"value\":1}")),
            kind("ts-long-max", 3, "bad-time", c -> value(timed(c, String.valueOf(Long.MAX_VALUE)))),
            kind("ts-year-10000", 3, "bad-time", c -> value(timed(c, "\"+10000-01-01T00:00:00Z\""))),
            kind("ts-year-0", 3, "bad-time", c -> value(timed(c, "\"0000-06-01T00:00:00Z\""))),
            kind("ts-1e999", 3, "bad-time", c -> value(timed(c, "1e999"))),
            kind("ts-object", "bad-time", c -> value(timed(c, "{\"ms\":0}"))),
            // future-time: a real series' key, so that if it passed, its series and the watermark would suffer
            kind("ts-30-days-ahead", 4, "future-time", c -> value(timed(c, String.valueOf(c.now() + Duration.ofDays(30).toMillis())))),
            kind("ts-year-9999", 4, "future-time", c -> value(timed(c, "\"9999-12-31T23:59:59Z\""))),
            // no-value, bad-value, feature-count
            kind("no-value", "no-value", c -> value("{\"key\":\"" + c.seriesKey() + "\",\"ts\":" + c.validTime() + "}")),
            kind("string-value", "bad-value", c -> value(withValue(c, "\"12\""))),
            kind("infinity-string", "bad-value", c -> value(withValue(c, "\"Infinity\""))),
            kind("value-1e300", "bad-value", c -> value(withValue(c, "1e300"))),
            kind("value-1e999", "bad-value", c -> value(withValue(c, "1e999"))),
            kind("boolean-value", "bad-value", c -> value(withValue(c, "true"))),
            kind("object-value", "bad-value", c -> value(withValue(c, "{\"v\":1}"))),
            kind("value-and-values", "bad-value", c -> value(withValue(c, "1,\"values\":[1]"))),
            large("string-value-1MB", 1, "bad-value", c -> value(withValue(c, "\"" + "v".repeat(1_000_000) + "\""))),
            kind("two-values", "feature-count", c -> value("{\"key\":\"" + c.seriesKey() + "\",\"ts\":" + c.validTime()
                    + ",\"values\":[1,2]}")),
            kind("no-values", "feature-count", c -> value("{\"key\":\"" + c.seriesKey() + "\",\"ts\":" + c.validTime()
                    + ",\"values\":[]}")));

    /** One record to send, and what it must become. */
    private record Outgoing(int partition, byte[] key, byte[] value, String kind, String reason, boolean parseStage) {
    }

    private final int partitions;
    private final String[] keys;
    private final int[] steps;
    private final float[] lastValue;
    private final long[] lastAccepted;
    private final long now = System.currentTimeMillis();
    private final List<Outgoing> outgoing = new ArrayList<>();
    /** "key@eventTime" -> the level of its persistence forecast (NaN: none yet). */
    private final Map<String, Float> expectedForecasts = new HashMap<>();
    /** "partition@offset" -> reason, for the parse stage's dead letters; known once produced. */
    private final Map<String, String> expectedParseDeadLetters = new HashMap<>();
    /** "reason key@eventTime", one per forecaster dead letter (a multiset: sorted). */
    private final List<String> expectedForecasterDeadLetters = new ArrayList<>();
    private final Map<String, Integer> sentPerKind = new TreeMap<>();
    /** "partition@offset" -> the value sent there, for the parse stage's dead letters. */
    private final Map<String, byte[]> sentBadValues = new HashMap<>();

    private HostileTraffic(int series, int partitions) {
        this.partitions = partitions;
        this.keys = new String[series];
        this.steps = new int[series];
        this.lastValue = new float[series];
        this.lastAccepted = new long[series];
        java.util.Arrays.fill(lastValue, Float.NaN);
        java.util.Arrays.fill(lastAccepted, Long.MIN_VALUE);
        String[] prefixes = {"k", "\u00e9t\u00e9-", "\u6771\u4eac-", "\ud83d\ude00-"};
        for (int i = 0; i < series; i++) {
            keys[i] = prefixes[i % prefixes.length] + i;
        }
        // One series has a key of exactly the maximum length: accepted.
        keys[series - 1] = ("m" + (series - 1) + "-").concat("x".repeat(MAX_KEY_BYTES - 2 - String.valueOf(series - 1).length()));
    }

    /**
     * @param total records in all (good, bad and the large ones)
     * @param badShare the share of small bad records, at random among {@link #PARSE_KINDS} and late/duplicate
     * @param eachLarge how many of each large kind
     */
    static HostileTraffic generate(long seed, int total, int series, int partitions, double badShare, int eachLarge) {
        HostileTraffic t = new HostileTraffic(series, partitions);
        Random random = new Random(seed);
        List<Kind> small = PARSE_KINDS.stream().filter(k -> !k.large()).toList();
        List<Kind> large = new ArrayList<>();
        for (Kind k : PARSE_KINDS) {
            if (k.large()) {
                for (int i = 0; i < eachLarge; i++) {
                    large.add(k);
                }
            }
        }
        Collections.shuffle(large, random);
        int largeEvery = large.isEmpty() ? Integer.MAX_VALUE : total / (large.size() + 1);
        int largeSent = 0;
        for (int i = 0; i < total; i++) {
            int s = random.nextInt(series);
            if ((i + 1) % largeEvery == 0 && largeSent < large.size()) {
                t.bad(large.get(largeSent++), s, random);
            } else if (random.nextDouble() < badShare) {
                int pick = random.nextInt(small.size() + 2);
                if (pick < small.size()) {
                    t.bad(small.get(pick), s, random);
                } else if (!t.forecasterReject(s, pick == small.size() ? "late" : "duplicate")) {
                    t.good(s, random);
                }
            } else {
                t.good(s, random);
            }
        }
        return t;
    }

    /**
     * Good traffic, {@code total} records round-robin over {@code series} series, with one record of each
     * {@code poison} kind in every partition after {@code before} records (in every partition, so that a
     * far-future time would reach every watermark).
     */
    static HostileTraffic withPoison(long seed, int total, int series, int partitions, List<Kind> poison, int before) {
        HostileTraffic t = new HostileTraffic(series, partitions);
        Random random = new Random(seed);
        for (int i = 0; i < total; i++) {
            if (i == before) {
                for (Kind kind : poison) {
                    for (int s = 0; s < partitions; s++) {
                        t.bad(kind, s, random);
                    }
                }
            }
            t.good(i % series, random);
        }
        return t;
    }

    /** The kinds of the brief's poison class {@code poisonClass} (1-5). */
    static List<Kind> poisonClass(int poisonClass) {
        return PARSE_KINDS.stream().filter(k -> k.poisonClass() == poisonClass).toList();
    }

    private void good(int s, Random random) {
        String key = keys[s];
        long time = START + steps[s]++ * STEP;
        Float value = random.nextInt(10) == 0 ? null : (float) (random.nextInt(20_000) - 10_000) / 10f;
        if (value != null) {
            lastValue[s] = value;
        }
        lastAccepted[s] = time;
        String number = value == null ? "null" : String.valueOf(value);
        byte[] recordKey = null;
        String json = switch (random.nextInt(6)) {
            case 0 -> "{\"key\":" + quote(key) + ",\"ts\":\"" + Instant.ofEpochMilli(time) + "\",\"value\":" + number + "}";
            case 1 -> "{\"key\":" + quote(key) + ",\"ts\":" + time + ",\"value\":" + number + "}";
            case 2 -> {
                recordKey = utf8(key);
                yield "{\"ts\":" + time + ",\"value\":" + number + "}";
            }
            case 3 -> "{\"key\":" + quote(key) + ",\"ts\":" + time + ",\"values\":[" + number + "]}";
            case 4 -> "{\"key\":" + quote(key) + ",\"ts\":\""
                    + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(time).atOffset(ZoneOffset.ofHours(8)))
                    + "\",\"value\":" + number + "}";
            default -> "{\"unit\":\"\u00b5g/m\u00b3\",\"key\":" + quote(key) + ",\"value\":" + number + ",\"ts\":" + time
                    + ",\"tags\":{\"a\":[1,{\"b\":null}]}}";
        };
        outgoing.add(new Outgoing(partitionOf(s), recordKey, utf8(json), "good", null, false));
        expectedForecasts.put(key + "@" + time, lastValue[s]);
        count("good");
    }

    /** A late or duplicate event of series {@code s}; false if the series has no event yet. */
    private boolean forecasterReject(int s, String reason) {
        if (lastAccepted[s] == Long.MIN_VALUE) {
            return false;
        }
        long time = reason.equals("late") ? lastAccepted[s] - STEP / 2 : lastAccepted[s];
        String json = "{\"key\":" + quote(keys[s]) + ",\"ts\":" + time + ",\"value\":1}";
        outgoing.add(new Outgoing(partitionOf(s), null, utf8(json), reason, reason, false));
        expectedForecasterDeadLetters.add(reason + " " + keys[s] + "@" + time);
        count(reason);
        return true;
    }

    private void bad(Kind kind, int s, Random random) {
        long validTime = lastAccepted[s] == Long.MIN_VALUE ? START : lastAccepted[s] + STEP / 3;
        Bad bad = kind.make().apply(new Context(random, keys[s], validTime, now));
        outgoing.add(new Outgoing(partitionOf(s), bad.key(), bad.value(), kind.name(), kind.reason(), true));
        count(kind.name());
    }

    private int partitionOf(int s) {
        return s % partitions;
    }

    private void count(String kind) {
        sentPerKind.merge(kind, 1, Integer::sum);
    }

    /** Sends every record in order; afterwards the parse stage's dead letters' offsets are known. */
    void produce(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1_048_576));
        List<Future<RecordMetadata>> sent = new ArrayList<>(outgoing.size());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Outgoing o : outgoing) {
                sent.add(producer.send(new ProducerRecord<>(topic, o.partition(), o.key(), o.value())));
            }
            producer.flush();
        }
        for (int i = 0; i < outgoing.size(); i++) {
            Outgoing o = outgoing.get(i);
            if (o.parseStage()) {
                RecordMetadata m = sent.get(i).get();
                expectedParseDeadLetters.put(m.partition() + "@" + m.offset(), o.reason());
                sentBadValues.put(m.partition() + "@" + m.offset(), o.value());
            }
        }
    }

    int total() {
        return outgoing.size();
    }

    long totalBytes() {
        return outgoing.stream().mapToLong(o -> o.value() == null ? 0 : o.value().length).sum();
    }

    Map<String, Float> expectedForecasts() {
        return expectedForecasts;
    }

    Map<String, String> expectedParseDeadLetters() {
        return expectedParseDeadLetters;
    }

    /** The value sent at "partition@offset" of a parse-stage dead letter (null: a tombstone). */
    byte[] sentValue(String where) {
        return sentBadValues.get(where);
    }

    List<String> expectedForecasterDeadLetters() {
        return expectedForecasterDeadLetters.stream().sorted().toList();
    }

    /** Records sent per kind ("good", "late", "duplicate" and each name of {@link #PARSE_KINDS}). */
    Map<String, Integer> sentPerKind() {
        return sentPerKind;
    }

    /** Dead letters expected per reason. */
    Map<String, Integer> expectedPerReason() {
        Map<String, Integer> perReason = new TreeMap<>();
        for (Outgoing o : outgoing) {
            if (o.reason() != null) {
                perReason.merge(o.reason(), 1, Integer::sum);
            }
        }
        return perReason;
    }

    // ---- record text ----------------------------------------------------------------------------

    private static Kind kind(String name, String reason, java.util.function.Function<Context, Bad> make) {
        return new Kind(name, reason, 0, false, make);
    }

    private static Kind kind(String name, int poisonClass, String reason, java.util.function.Function<Context, Bad> make) {
        return new Kind(name, reason, poisonClass, false, make);
    }

    private static Kind large(String name, String reason, java.util.function.Function<Context, Bad> make) {
        return new Kind(name, reason, 0, true, make);
    }

    private static Kind large(String name, int poisonClass, String reason, java.util.function.Function<Context, Bad> make) {
        return new Kind(name, reason, poisonClass, true, make);
    }

    /** A good record of the context's series at a time that would be accepted. */
    private static String good(Context c) {
        return withValue(c, "1");
    }

    private static String withValue(Context c, String valueText) {
        return "{\"key\":" + quote(c.seriesKey()) + ",\"ts\":" + c.validTime() + ",\"value\":" + valueText + "}";
    }

    private static String timed(Context c, String tsText) {
        return "{\"key\":" + quote(c.seriesKey()) + ",\"ts\":" + tsText + ",\"value\":1}";
    }

    private static String keyed(String keyText, Context c) {
        return "{\"key\":" + keyText + ",\"ts\":" + c.validTime() + ",\"value\":1}";
    }

    private static String quote(String key) {
        return "\"" + key + "\""; // the generated keys need no escaping
    }

    private static Bad value(String json) {
        return new Bad(null, utf8(json));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
