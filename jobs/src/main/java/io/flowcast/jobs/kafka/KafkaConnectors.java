package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka source and sinks of the forecasting job. Both sinks are exactly-once: their output is
 * written in transactions that commit at checkpoints, so it is visible to {@code read_committed}
 * consumers only after a checkpoint (and never, silently, if checkpointing is off on an unbounded job).
 */
public final class KafkaConnectors {

    private KafkaConnectors() {
    }

    /**
     * @param start where to start when the group has no committed offsets yet
     * @param bounded stop at the offsets that are latest when the job starts (tests, one-off replays)
     */
    public static KafkaSource<RawKafkaRecord> observationSource(KafkaSettings kafka, OffsetsInitializer start,
            boolean bounded) {
        KafkaSourceBuilder<RawKafkaRecord> builder = KafkaSource.<RawKafkaRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topics().observations())
                .setGroupId(kafka.groupId())
                .setClientIdPrefix(kafka.groupId())
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                // Observations written in aborted transactions must never be forecast.
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public static KafkaSink<Forecast> forecastSink(KafkaSettings kafka) {
        return KafkaSink.<Forecast>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new ForecastRecordSerializer(kafka.topics().forecasts()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // Each sink needs its own prefix: ids are prefix-subtask-counter, and two sinks of one
                // job with the same prefix would fence each other's producers.
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-forecasts")
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(kafka.transactionTimeout().toMillis()))
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new DeadLetterRecordSerializer(kafka.topics().deadLetters()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-dead-letters")
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(kafka.transactionTimeout().toMillis()))
                .build();
    }

    /**
     * The {@code models} topic as {@link ModelRecord}s, from the earliest offset (a compacted topic: the
     * newest version of every model), {@code read_committed} (the trainer writes in transactions). A
     * value that does not parse still arrives, to be rejected downstream ({@link ModelRecordDeserializer}).
     */
    public static KafkaSource<ModelRecord> modelSource(KafkaSettings kafka) {
        return KafkaSource.<ModelRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topics().models())
                .setGroupId(kafka.groupId() + "-models")
                .setClientIdPrefix(kafka.groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ModelRecordDeserializer())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .build();
    }

    /** Publishes model versions to {@code models}, exactly once: key = model name, value = payload. */
    public static KafkaSink<ModelRecord> modelSink(KafkaSettings kafka) {
        return KafkaSink.<ModelRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new ModelRecordSerializer(kafka.topics().models()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-models")
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(kafka.transactionTimeout().toMillis()))
                .build();
    }
}
