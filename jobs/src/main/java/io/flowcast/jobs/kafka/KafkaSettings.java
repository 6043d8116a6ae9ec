package io.flowcast.jobs.kafka;

import java.io.Serializable;
import java.time.Duration;

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
 */
public record KafkaSettings(String bootstrapServers, TopicNames topics, String groupId, String transactionalIdPrefix,
        Duration transactionTimeout) implements Serializable {

    /** The broker's default {@code transaction.max.timeout.ms}. */
    public static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    public KafkaSettings {
        if (transactionTimeout.compareTo(BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("transaction timeout " + transactionTimeout
                    + " exceeds the broker's default maximum of 15 min: the sink would fail to start and restart forever");
        }
    }
}
