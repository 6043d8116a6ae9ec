package io.flowcast.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.models.ModelRecordLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A model record larger than Kafka's defaults allow (about 1 MiB) goes through the {@code models}
 * topic as {@link TopicSetup} creates it, with the settings the job's model sink and source use
 * ({@link KafkaConnectors#modelProducerSettings()}, {@link KafkaConnectors#modelConsumerSettings()}),
 * on the in-process broker: produced in a transaction by the job's serializer, read back
 * {@code read_committed} by the job's deserializer, the same record.
 */
class ModelsTopicLimitTest {

    private static final int THREE_MIB = 3 * 1024 * 1024;

    @Test
    void everySettingIsTheOneLimit() {
        String limit = String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES);
        assertThat(TopicSetup.modelsTopicConfig()).containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, limit)
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(KafkaConnectors.modelProducerSettings()).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit);
        assertThat(Long.parseLong(KafkaConnectors.modelProducerSettings().get(ProducerConfig.BUFFER_MEMORY_CONFIG)))
                .as("a record of the limit fits in the producer's buffer").isGreaterThan(ModelRecordLimits.MAX_RECORD_BYTES);
        assertThat(KafkaConnectors.modelConsumerSettings())
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, limit)
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, limit)
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    @Test
    @Timeout(120)
    void aThreeMiBModelRecordRoundTripsThroughTheModelsTopic() throws Exception {
        byte[] payload = new byte[THREE_MIB];
        new Random(7).nextBytes(payload);
        ModelRecord sent = new ModelRecord("flowcast", 12, 1_362_067_200_000L, payload);
        ModelRecordLimits.check(sent);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TopicNames topics = TopicNames.defaults();
            kafka.createTopics(topics, 1);
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, topics.models());
                Config config = admin.describeConfigs(Set.of(models)).all().get().get(models);
                assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
                        .isEqualTo(String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES));
            }
            ProducerRecord<byte[], byte[]> record = new ModelRecordSerializer(topics.models()).serialize(sent, null, null);

            // Kafka's own producer default refuses it: the settings are what makes it pass.
            Map<String, Object> defaults = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(defaults, new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(record).get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
            }

            Map<String, Object> producerProps = new HashMap<>(KafkaConnectors.modelProducerSettings());
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "models-topic-limit-test");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(record).get();
                producer.commitTransaction();
            }

            Map<String, Object> consumerProps = new HashMap<>(KafkaConnectors.modelConsumerSettings());
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            List<ModelRecord> received = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition(topics.models(), 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                ModelRecordDeserializer deserializer = new ModelRecordDeserializer();
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        raw.add(r);
                        deserializer.deserialize(r, new ListCollector<>(received));
                    }
                }
            }
            // The payload is not a model: the headers say what the record is without decoding it.
            assertThat(raw).hasSize(1);
            assertThat(raw.get(0).headers().lastHeader(ModelRecordHeaders.VERSION).value())
                    .isEqualTo("12".getBytes(StandardCharsets.US_ASCII));
            assertThat(received).containsExactly(sent);
        }
    }
}
