package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.ModelRecordHeaders;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.HostileModelPayloads;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.ReadCommitted;
import io.flowcast.model.online.ServingModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The live job on a real in-process Kafka while hostile records are produced to {@code models}
 * mid-stream (an absurd version, a net of the wrong input width, an absurd re-warm window, headers that
 * disagree with the payload, random bytes, a tombstone, a payload padded to 2 MiB), then a good new version. The
 * job runs with no restarts allowed, so an exception escaping the forecaster, or a dead letter too large
 * for its topic, would fail it: it must still be running at the end, every observation must have exactly
 * one committed forecast, each hostile record one committed {@code bad-model} dead letter, and the good
 * new version must serve.
 */
class HostileModelsEndToEndTest {

    private static final int PARTITIONS = 2;
    private static final int HORIZON = 3;
    private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final ServingModel.Shape SHAPE = new ServingModel.Shape(HORIZON, 8, 0, 0, false);
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    /** A record to produce and the part of its dead letter's detail that names its problem. */
    private record Hostile(ProducerRecord<byte[], byte[]> record, String detail) {
    }

    @Test
    @Timeout(120)
    void hostileModelRecordsAreDeadLetteredWhileEveryEventIsForecastOnceAndTheNextGoodVersionServes() throws Exception {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.createTopics(topics, PARTITIONS);
        String id = "hostile-" + UUID.randomUUID();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, id, id, Duration.ofMinutes(1));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure ends the job: none may happen
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARTITIONS, conf);
        env.enableCheckpointing(200, CheckpointingMode.EXACTLY_ONCE);
        ForecastSettings forecast = ForecastSettings.defaults().withHorizons(HORIZON);
        new ForecastJob(
                KafkaConnectors.observationSource(settings, OffsetsInitializer.earliest(), false),
                KafkaConnectors.modelSource(settings),
                new ForecastPipeline(forecast),
                KafkaConnectors.forecastSink(settings),
                KafkaConnectors.deadLetterSink(settings),
                ForecastJob.Settings.defaults())
                .addTo(env);

        String name = forecast.modelNames().fixedName();
        List<Hostile> hostile = hostileRecords(topics.models(), name);
        int perPhase = 100;
        JobClient job = env.executeAsync("hostile models " + topics.observations());
        JobStatus statusAtEnd;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            produceModel(producer, topics.models(), model(name, 1));
            Thread.sleep(2_000); // the broadcast side and the events are independent streams: give the model a head start
            produceEvents(producer, topics.observations(), 0, perPhase);
            awaitCommitted(job, topics.forecasts(), perPhase * KEYS.length);

            for (Hostile h : hostile) {
                producer.send(h.record()).get();
            }
            produceModel(producer, topics.models(), model(name, 2));
            Thread.sleep(2_000);
            produceEvents(producer, topics.observations(), perPhase, 2 * perPhase);
            awaitCommitted(job, topics.forecasts(), 2 * perPhase * KEYS.length);
            awaitCommitted(job, topics.deadLetters(), hostile.size());
            Thread.sleep(1_000); // a duplicate, if any, would be committed by the next checkpoints
            statusAtEnd = job.getJobStatus().get();
        } finally {
            if (!job.getJobExecutionResult().isDone()) {
                job.cancel().get();
            }
        }
        assertThat(statusAtEnd).as("the job never failed (restarts are off)").isEqualTo(JobStatus.RUNNING);

        List<ConsumerRecord<byte[], byte[]>> records =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecasts(), Duration.ofSeconds(20));
        assertThat(records).as("one forecast per event sent").hasSize(2 * perPhase * KEYS.length);
        Set<String> seen = new HashSet<>();
        Map<String, TreeMap<Long, Long>> versionsByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastJson.read(r.value());
            assertThat(seen.add(f.key + "@" + f.eventTime)).as("duplicate forecast %s@%d", f.key, f.eventTime).isTrue();
            versionsByKey.computeIfAbsent(f.key, k -> new TreeMap<>()).put(f.eventTime, f.modelVersion);
        }
        for (String key : KEYS) {
            List<Long> versions = List.copyOf(versionsByKey.get(key).values());
            assertThat(versions).hasSize(2 * perPhase).isSubsetOf(0L, 1L, 2L);
            assertThat(versions.get(perPhase - 1)).as("v1 serves before the hostile records").isEqualTo(1L);
            assertThat(versions.get(versions.size() - 1)).as("the good new version serves").isEqualTo(2L);
            assertThat(versions).as("versions only move forward").isSorted();
        }

        List<DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r
                : ReadCommitted.readAll(kafka.bootstrapServers(), topics.deadLetters(), Duration.ofSeconds(20))) {
            deadLetters.add(DeadLetterJson.read(r.value()));
        }
        assertThat(deadLetters).as("one dead letter per hostile record, from one subtask").hasSize(hostile.size());
        assertThat(deadLetters).allSatisfy(d -> {
            assertThat(d.reason).isEqualTo("bad-model");
            assertThat(d.topic).isEqualTo("models");
        });
        for (Hostile h : hostile) {
            assertThat(deadLetters).as(h.detail()).filteredOn(d -> d.detail.contains(h.detail())).hasSize(1);
        }
        assertThat(deadLetters).filteredOn(d -> d.detail.contains("TRAILING_BYTES")).singleElement()
                .satisfies(d -> assertThat(d.detail).contains("payload of " + (2 << 20) + " bytes, SHA-256 ",
                        "not copied: above 262144 bytes"))
                .satisfies(d -> assertThat(d.rawBase64).isNull());
    }

    private static List<Hostile> hostileRecords(String topic, String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        List<Hostile> hostile = new ArrayList<>();
        hostile.add(new Hostile(new ProducerRecord<>(topic, key, ModelRecord.of(model(name, Long.MAX_VALUE)).payload),
                "version 9223372036854775807 is outside 1..2147483647"));
        hostile.add(new Hostile(new ProducerRecord<>(topic, key, ModelRecord.of(HostileModelPayloads.model(name, 2, T0,
                SHAPE, SHAPE.inputSize() + 4)).payload), "net reads " + (SHAPE.inputSize() + 4) + " inputs per step"));
        hostile.add(new Hostile(new ProducerRecord<>(topic, key, ModelRecord.of(HostileModelPayloads.model(name, 2, T0,
                new ServingModel.Shape(HORIZON, 1_500_000_000, 0, 0, false), SHAPE.inputSize())).payload),
                "re-warm window of 1500000000 steps"));
        ProducerRecord<byte[], byte[]> lying = new ProducerRecord<>(topic, key, ModelRecord.of(model(name, 5)).payload);
        lying.headers().add(ModelRecordHeaders.VERSION, "2".getBytes(StandardCharsets.US_ASCII));
        lying.headers().add(ModelRecordHeaders.TRAINED_UP_TO, Long.toString(T0).getBytes(StandardCharsets.US_ASCII));
        hostile.add(new Hostile(lying, "its payload flowcast v5"));
        hostile.add(new Hostile(new ProducerRecord<>(topic, key, HostileModelPayloads.random(3, 3000)), "NOT_A_MODEL_FILE"));
        hostile.add(new Hostile(new ProducerRecord<>(topic, key, null), "no payload (a tombstone"));
        // A good payload padded to 2 MiB: too large to copy into a dead letter (the topic takes about 1 MiB).
        hostile.add(new Hostile(new ProducerRecord<>(topic, key,
                Arrays.copyOf(ModelRecord.of(model(name, 2)).payload, 2 << 20)),
                "TRAILING_BYTES"));
        return hostile;
    }

    private static ServingModel model(String name, long version) {
        return HostileModelPayloads.model(name, version, T0, SHAPE, SHAPE.inputSize());
    }

    private static void produceModel(KafkaProducer<byte[], byte[]> producer, String topic, ServingModel m)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, m.name().getBytes(StandardCharsets.UTF_8), ModelRecord.of(m).payload))
                .get();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 << 20)); // the 2 MiB hostile payload
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void produceEvents(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            for (String key : KEYS) {
                String json = "{\"key\":\"" + key + "\",\"ts\":" + (T0 + (i + 1) * MINUTE) + ",\"value\":"
                        + (10 + Math.sin(i * 0.3) + key.charAt(1) - '0') + "}";
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
        }
        producer.flush();
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root);
    }

    /** Waits for {@code count} committed records on {@code topic}; fails at once, with the cause, if the job ends. */
    private static void awaitCommitted(JobClient job, String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ReadCommitted.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(20)).size() < count) {
            if (job.getJobExecutionResult().isDone()) {
                throw new AssertionError("the job ended (restarts are off) before " + count + " records were committed to "
                        + topic + ": " + job.getJobExecutionResult().handle((r, e) -> rootCause(e)).join());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " records committed to " + topic + " within 60 s");
            }
            Thread.sleep(300);
        }
    }
}
