package io.flowcast.jobs.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How every Kafka client flowcast creates reaches the cluster: the bootstrap servers, the user's
 * client properties ({@code --kafka-property}: security.protocol, sasl.*, ssl.*, ...), and how long a
 * command waits for Kafka to answer before it gives up. The one place where a client's Properties
 * are assembled, so the user's settings reach the admin client, the feeder, {@code tail} and the
 * summary alike (the job's own source and sinks take them from {@link KafkaSettings}).
 *
 * @param properties the user's client properties; never one of {@link #MANAGED}
 * @param startTimeout how long a command waits for Kafka's first answer, and for each admin request
 */
public record KafkaClientConfig(String bootstrapServers, Map<String, String> properties, Duration startTimeout) {

    /** Long enough for a remote cluster's first answer (TLS and SASL handshakes included). */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Settings flowcast chooses itself, each for a reason the user cannot override by accident: the
     * address has its own flag, the source's group and the sinks' transactions have theirs, the output
     * must be read {@code read_committed}, and records are bytes.
     */
    public static final Set<String> MANAGED = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);

    public KafkaClientConfig {
        properties = checked(properties);
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("--kafka-timeout must be above 0, got " + startTimeout);
        }
    }

    /** The in-process broker, or any Kafka that needs no client settings. */
    public static KafkaClientConfig plain(String bootstrapServers) {
        return new KafkaClientConfig(bootstrapServers, Map.of(), DEFAULT_START_TIMEOUT);
    }

    /** The user's properties, sorted (so a log line or a test reads the same every time), or a clear refusal. */
    public static Map<String, String> checked(Map<String, String> properties) {
        Map<String, String> sorted = new TreeMap<>();
        properties.forEach((key, value) -> {
            String k = key.trim();
            if (MANAGED.contains(k)) {
                throw new IllegalArgumentException("--kafka-property " + k + " is set by flowcast itself"
                        + (k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) ? " (use --bootstrap-servers)" : "")
                        + "; the keys flowcast manages: " + String.join(", ", new TreeSet<>(MANAGED)));
            }
            sorted.put(k, value);
        });
        return Collections.unmodifiableMap(sorted); // serializable, as a job graph needs
    }

    /** An admin client's: every request (and the wait for the first answer) bounded by the start timeout. */
    public Properties admin() {
        Properties p = common();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, startTimeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        return p;
    }

    /** A consumer's, for the caller to add its own settings to. */
    public Properties consumer() {
        return common();
    }

    /** A producer's, for the caller to add its own settings to. */
    public Properties producer() {
        return common();
    }

    private Properties common() {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }
}
