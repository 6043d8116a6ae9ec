package io.flowcast.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The user's Kafka client settings reach every client the job and the commands create, and an
 * unreachable Kafka is one clear error after the stated time. No broker is started.
 */
class KafkaClientSettingsTest {

    /** A file that does not exist: a client that was given it fails at construction, naming it. */
    private static final String TRUSTSTORE = "/no/such/flowcast-test-truststore.jks";
    private static final Map<String, String> SSL = Map.of(
            "security.protocol", "SSL",
            "ssl.truststore.location", TRUSTSTORE);

    private final KafkaSettings settings = new KafkaSettings("127.0.0.1:9092", TopicNames.defaults(), "g", "t",
            Duration.ofMinutes(1), SSL);

    @Test
    void theSourcesAndAllThreeExactlyOnceSinksCarryTheUserProperties() throws Exception {
        Properties observations = sourceProperties(
                KafkaConnectors.observationSource(settings, OffsetsInitializer.earliest(), false));
        Properties models = sourceProperties(KafkaConnectors.modelSource(settings));
        for (Properties p : List.of(observations, models)) {
            assertThat(p).containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", TRUSTSTORE)
                    // What the job relies on is still its own.
                    .containsEntry("isolation.level", "read_committed")
                    .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        }
        assertThat(observations).containsEntry("group.id", "g");
        assertThat(models).containsEntry("group.id", "g-models");

        for (KafkaSink<?> sink : List.of(KafkaConnectors.forecastSink(settings), KafkaConnectors.deadLetterSink(settings),
                KafkaConnectors.modelSink(settings))) {
            Properties p = sinkProperties(sink);
            assertThat(p).containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", TRUSTSTORE)
                    .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                    .containsEntry("transaction.timeout.ms", "60000");
        }
    }

    @Test
    void theAdminClientThatCreatesTopicsIsGivenThem() {
        KafkaClientConfig kafka = new KafkaClientConfig("127.0.0.1:9092", SSL, Duration.ofSeconds(5));
        assertThat(kafka.admin()).containsEntry("security.protocol", "SSL");
        // The real client reads them: it fails at construction on the missing truststore, naming it.
        assertThatThrownBy(() -> TopicSetup.ensureTopics(kafka, TopicNames.defaults(), 1, (short) 1))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("127.0.0.1:9092").hasMessageContaining(TRUSTSTORE);
        assertThatThrownBy(() -> TopicSetup.requireTopics(kafka, List.of("observations")))
                .isInstanceOf(KafkaUnavailableException.class).hasMessageContaining(TRUSTSTORE);
    }

    @Test
    void settingsFlowcastManagesAreRefusedWithTheFlagToUseInstead() {
        assertThatThrownBy(() -> new KafkaSettings("h:1", TopicNames.defaults(), "g", "t", Duration.ofMinutes(1),
                Map.of("isolation.level", "read_uncommitted")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("isolation.level is set by flowcast");
        assertThatThrownBy(() -> new KafkaClientConfig("h:1", Map.of("bootstrap.servers", "x:1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use --bootstrap-servers");
    }

    @Test
    @Timeout(30)
    void anAddressWhereNothingListensFailsAfterTheTimeoutInOneLine() throws Exception {
        int port = closedPort();
        KafkaClientConfig kafka = new KafkaClientConfig("127.0.0.1:" + port, Map.of(), Duration.ofSeconds(2));
        long started = System.nanoTime();
        assertThatThrownBy(() -> TopicSetup.ensureTopics(kafka, TopicNames.defaults(), 1, (short) 1))
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageStartingWith("no answer from Kafka at 127.0.0.1:" + port + " within 2 s (--kafka-timeout)")
                .hasMessageNotContaining("\n");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(seconds).as("waited about the timeout, not the client's default minute").isBetween(1.5, 10.0);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Properties sourceProperties(KafkaSource<?> source) throws Exception {
        return (Properties) field(KafkaSource.class, "props").get(source);
    }

    private static Properties sinkProperties(KafkaSink<?> sink) throws Exception {
        return (Properties) field(KafkaSink.class, "kafkaProducerConfig").get(sink);
    }

    /** The connectors keep their client Properties private; reading them is the point of this test. */
    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
