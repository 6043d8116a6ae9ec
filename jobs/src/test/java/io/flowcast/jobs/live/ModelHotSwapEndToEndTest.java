package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.PublishedSchemas;
import io.flowcast.jobs.testing.ReadCommitted;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.online.ServingModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
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
 * The live job on a real in-process Kafka: observations flow, a new model version is produced to
 * {@code models} mid-stream, later forecasts carry it, and the forecasts read {@code read_committed}
 * are exactly one per event sent: none lost or duplicated across the swap.
 */
class ModelHotSwapEndToEndTest {

    private static final int PARTITIONS = 2;
    private static final int HORIZON = 3;
    private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    @Test
    @Timeout(120)
    void aModelPublishedMidStreamServesLaterEventsAndNoForecastIsLostOrDuplicated() throws Exception {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.createTopics(topics, PARTITIONS);
        String id = "swap-" + UUID.randomUUID();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, id, id, Duration.ofMinutes(1));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
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

        int perPhase = 100;
        JobClient job = env.executeAsync("model hot swap " + topics.observations());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            produceEvents(producer, topics.observations(), 0, perPhase);
            awaitForecasts(topics, perPhase * KEYS.length);

            ServingModel v1 = model(forecast.modelNames().fixedName(), 1, T0);
            producer.send(new ProducerRecord<>(topics.models(), v1.name().getBytes(StandardCharsets.UTF_8),
                    ModelRecord.of(v1).payload)).get();
            Thread.sleep(2_000); // the broadcast side and the events are independent streams: give the model a head start
            produceEvents(producer, topics.observations(), perPhase, 2 * perPhase);
            awaitForecasts(topics, 2 * perPhase * KEYS.length);
            Thread.sleep(1_000); // a duplicate, if any, would be committed by the next checkpoints
        } finally {
            job.cancel().get();
        }

        List<ConsumerRecord<byte[], byte[]>> records =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecasts(), Duration.ofSeconds(20));
        assertThat(records).as("one forecast per event sent").hasSize(2 * perPhase * KEYS.length);
        Set<String> seen = new HashSet<>();
        Map<String, TreeMap<Long, Long>> versionsByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(PublishedSchemas.validate(PublishedSchemas.FORECASTS, r.value())).isEmpty();
            Forecast f = ForecastJson.read(r.value());
            assertThat(seen.add(f.key + "@" + f.eventTime)).as("duplicate forecast %s@%d", f.key, f.eventTime).isTrue();
            versionsByKey.computeIfAbsent(f.key, k -> new TreeMap<>()).put(f.eventTime, f.modelVersion);
        }
        for (String key : KEYS) {
            List<Long> versions = List.copyOf(versionsByKey.get(key).values());
            assertThat(versions).hasSize(2 * perPhase);
            assertThat(versions.subList(0, perPhase)).as("before the model: the baseline").containsOnly(0L);
            assertThat(versions.get(versions.size() - 1)).as("after the swap: the new version").isEqualTo(1L);
            int firstNew = versions.indexOf(1L);
            assertThat(versions.subList(firstNew, versions.size())).as("once swapped, it stays").containsOnly(1L);
        }
    }

    private static ServingModel model(String name, long version, long trainedUpTo) {
        ServingModel.Shape shape = new ServingModel.Shape(HORIZON, 8, 0, 0, false);
        NetConfig config = new NetConfig(CellType.LSTM, 1 + CalendarFeatures.SIZE, 4, 1, HORIZON);
        float[] baseline = new float[2 * HORIZON];
        for (int k = 0; k < HORIZON; k++) {
            baseline[2 * k] = 0.9f;
        }
        return new ServingModel(name, version, shape, RecurrentNet.initialized(config, 5), baseline, new float[0],
                new ServingModel.Info(trainedUpTo, 10, 0.1, 0.2, 1));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void produceEvents(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to)
            throws Exception {
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

    private static void awaitForecasts(TopicNames topics, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecasts(), Duration.ofSeconds(20)).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " forecasts committed within 60 s");
            }
            Thread.sleep(300);
        }
    }
}
