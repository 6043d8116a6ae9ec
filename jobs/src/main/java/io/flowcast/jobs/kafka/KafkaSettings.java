package io.flowcast.jobs.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How the job talks to Kafka.
 *
 * @param groupId consumer group of the source (offsets are committed at checkpoints, for monitoring)
 * @param transactionalIdPrefix must be unique per job on a cluster (two jobs sharing it fence each
 *     other) and stable across restarts of the same job (so lingering transactions get aborted);
 *     each sink appends its own suffix
 * @param transactionTimeout producer {@code transaction.timeout.ms}: must stay below the broker's
 *     {@code transaction.max.timeout.ms} (15 min by default) and above the checkpoint interval plus
 *     the time a restart takes, else the broker aborts transactions Flink still means to commit
 * @param clientProperties the user's client properties ({@code --kafka-property}: security.protocol,
 *     sasl.*, ssl.*, ...), given to the job's source, every sink, and through them to the clients they
 *     create; never one of {@link KafkaClientConfig#MANAGED}
 */
public record KafkaSettings(String bootstrapServers, TopicNames topics, String groupId, String transactionalIdPrefix,
        Duration transactionTimeout, Map<String, String> clientProperties) implements Serializable {

    /** The broker's default {@code transaction.max.timeout.ms}. */
    public static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** A Kafka that needs no client settings (the in-process broker, tests). */
    public KafkaSettings(String bootstrapServers, TopicNames topics, String groupId, String transactionalIdPrefix,
            Duration transactionTimeout) {
        this(bootstrapServers, topics, groupId, transactionalIdPrefix, transactionTimeout, Map.of());
    }

    public KafkaSettings {
        // A sorted, unmodifiable copy: serializable with the job graph, safe from the caller's later changes.
        clientProperties = KafkaClientConfig.checked(clientProperties);
        if (transactionTimeout.compareTo(BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("transaction timeout " + transactionTimeout
                    + " exceeds the broker's default maximum of 15 min: the sink would fail to start and restart forever");
        }
    }
}
