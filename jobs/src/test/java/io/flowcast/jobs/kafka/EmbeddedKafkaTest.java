package io.flowcast.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void startsARealBrokerWithTheTopicsAndHidesAbortedTransactionsFromReadCommitted() throws Exception {
        String bootstrap;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:");
            TopicNames topics = TopicNames.defaults();
            kafka.createTopics(topics, 2);
            kafka.createTopics(topics, 2); // idempotent: existing topics are fine

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.listTopics().names().get()).containsAll(topics.all());
                assertThat(admin.describeTopics(Set.of(topics.observations())).allTopicNames().get()
                        .get(topics.observations()).partitions()).hasSize(2);
                ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, topics.models());
                Config config = admin.describeConfigs(Set.of(models)).all().get().get(models);
                assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            }

            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topics.forecasts(), 0, "k", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topics.forecasts(), 0, "k", "committed"));
                producer.commitTransaction();
            }

            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition tp = new TopicPartition(topics.forecasts(), 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                List<String> seen = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(r.value());
                    }
                }
                assertThat(seen).containsExactly("committed");
            }
        }
        // After close nothing listens on the port any more.
        int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
        assertThat(portIsFree(port)).isTrue();
    }

    private static boolean portIsFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
