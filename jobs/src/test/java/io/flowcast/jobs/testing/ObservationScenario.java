package io.flowcast.jobs.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stream of observation records for end-to-end tests: several keys, every accepted input form
 * (ISO time, epoch millis, record key only, {@code values}, missing values) and, at regular
 * intervals, one malformed record of each kind. It knows what must come out: one persistence
 * forecast per good record and one dead letter with the right reason per bad one.
 */
public final class ObservationScenario {

    private static final long START = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();
    private static final long STEP = 3_600_000L;

    /** One malformed record kind: its expected reason and how to make its bytes at a step. */
    private record BadKind(String reason, IntFunction<byte[]> value) {
    }

    private static final List<BadKind> BAD_KINDS = List.of(
            new BadKind("not-json", t -> null),
            new BadKind("not-json", t -> bytes("this is not json " + t)),
            new BadKind("not-json", t -> new byte[0]),
            new BadKind("no-key", t -> bytes("{\"ts\":" + time(t) + ",\"value\":1}")),
            new BadKind("no-key", t -> bytes("{\"key\":\"\",\"ts\":" + time(t) + ",\"value\":1}")),
            new BadKind("bad-time", t -> bytes("{\"key\":\"k0\",\"value\":1}")),
            new BadKind("bad-time", t -> bytes("{\"key\":\"k0\",\"ts\":\"2014-07-01 00:30:00\",\"value\":1}")),
            new BadKind("bad-value", t -> bytes("{\"key\":\"k0\",\"ts\":" + time(t) + ",\"value\":\"12\"}")),
            new BadKind("bad-value", t -> bytes("{\"key\":\"k0\",\"ts\":" + time(t) + ",\"value\":\"Infinity\"}")),
            new BadKind("bad-value", t -> bytes("{\"key\":\"k0\",\"ts\":" + time(t) + ",\"value\":1e300}")),
            new BadKind("feature-count", t -> bytes("{\"key\":\"k0\",\"ts\":" + time(t) + ",\"values\":[1,2]}")),
            new BadKind("no-value", t -> bytes("{\"key\":\"k0\",\"ts\":" + time(t) + "}")));

    private record Outgoing(int partition, byte[] key, byte[] value, String badReason, String seriesKey, long eventTime,
            float expectedLevel) {
    }

    private final List<Outgoing> outgoing = new ArrayList<>();
    /** "key@eventTime" -> the level every horizon of its persistence forecast must have. */
    private final Map<String, Float> expectedForecasts = new HashMap<>();
    /** "partition@offset" -> reason, known once produced. */
    private final Map<String, String> expectedDeadLetters = new HashMap<>();
    private final Map<String, byte[]> sentBadValues = new HashMap<>();

    /**
     * @param total records in all
     * @param keys number of series
     * @param badEvery every this many records one is malformed, cycling through every kind
     */
    public static ObservationScenario generate(int total, int keys, int badEvery, int partitions) {
        ObservationScenario s = new ObservationScenario();
        int[] steps = new int[keys];
        float[] last = new float[keys];
        java.util.Arrays.fill(last, Float.NaN);
        int badCount = 0;
        for (int i = 0; i < total; i++) {
            if (i % badEvery == badEvery - 1) {
                BadKind kind = BAD_KINDS.get(badCount++ % BAD_KINDS.size());
                s.outgoing.add(new Outgoing(i % partitions, null, kind.value().apply(i), kind.reason(), null, 0, 0));
                continue;
            }
            int k = i % keys;
            int t = steps[k]++;
            String key = "k" + k;
            long eventTime = START + t * STEP;
            Float value = t % 7 == 3 ? null : (float) (k * 100 + t % 50) + 0.5f;
            if (value != null) {
                last[k] = value;
            }
            String number = value == null ? "null" : String.valueOf(value);
            String json;
            byte[] recordKey = null;
            switch (t % 4) {
                case 0 -> json = "{\"key\":\"" + key + "\",\"ts\":\"" + Instant.ofEpochMilli(eventTime) + "\",\"value\":" + number + "}";
                case 1 -> json = "{\"key\":\"" + key + "\",\"ts\":" + eventTime + ",\"value\":" + number + "}";
                case 2 -> {
                    json = "{\"ts\":" + eventTime + ",\"value\":" + number + "}";
                    recordKey = bytes(key);
                }
                default -> json = "{\"key\":\"" + key + "\",\"ts\":" + eventTime + ",\"values\":[" + number + "]}";
            }
            // All records of one series go to one partition, so their order is kept.
            s.outgoing.add(new Outgoing(k % partitions, recordKey, bytes(json), null, key, eventTime, last[k]));
            s.expectedForecasts.put(key + "@" + eventTime, last[k]);
        }
        return s;
    }

    /** Produces every record; afterwards the expected dead letters' offsets are known. */
    public void produce(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Outgoing o : outgoing) {
                sent.add(producer.send(new ProducerRecord<>(topic, o.partition(), o.key(), o.value())));
            }
            producer.flush();
        }
        for (int i = 0; i < outgoing.size(); i++) {
            Outgoing o = outgoing.get(i);
            if (o.badReason() != null) {
                RecordMetadata m = sent.get(i).get();
                String where = m.partition() + "@" + m.offset();
                expectedDeadLetters.put(where, o.badReason());
                sentBadValues.put(where, o.value());
            }
        }
    }

    public int total() {
        return outgoing.size();
    }

    public Map<String, Float> expectedForecasts() {
        return expectedForecasts;
    }

    public Map<String, String> expectedDeadLetters() {
        return expectedDeadLetters;
    }

    /** The value bytes sent at "partition@offset" (null for the tombstone). */
    public byte[] sentValue(String where) {
        return sentBadValues.get(where);
    }

    public static int badKinds() {
        return BAD_KINDS.size();
    }

    private static long time(int t) {
        return START + t * STEP;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
