package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.models.ModelRecordLimits;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import io.flowcast.jobs.score.ForecastError;
import io.flowcast.jobs.score.ForecastErrorRecordSerializer;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
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
                // The user's client settings first: what the job sets below is what it relies on.
                .setProperties(userProperties(kafka))
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
        return exactlyOnceSink(kafka, new ForecastRecordSerializer(kafka.topics().forecasts()), "-forecasts");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return exactlyOnceSink(kafka, new DeadLetterRecordSerializer(kafka.topics().deadLetters()), "-dead-letters");
    }

    /** Matured forecasts and their errors to {@code forecast-errors}, exactly once. */
    public static KafkaSink<ForecastError> forecastErrorSink(KafkaSettings kafka) {
        return exactlyOnceSink(kafka, new ForecastErrorRecordSerializer(kafka.topics().forecastErrors()),
                "-forecast-errors");
    }

    /**
     * A transactional sink of the job's records, committed at checkpoints. Each sink needs its own
     * transactional id prefix: ids are prefix-subtask-counter, and two sinks of one job with the same
     * prefix would fence each other's producers.
     */
    private static <T> KafkaSink<T> exactlyOnceSink(KafkaSettings kafka, KafkaRecordSerializationSchema<T> records,
                                                    String idSuffix) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(userProperties(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + idSuffix)
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
        KafkaSourceBuilder<ModelRecord> builder = KafkaSource.<ModelRecord>builder()
                .setProperties(userProperties(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topics().models())
                .setGroupId(kafka.groupId() + "-models")
                .setClientIdPrefix(kafka.groupId() + "-models")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ModelRecordDeserializer());
        modelConsumerSettings().forEach(builder::setProperty);
        return builder.build();
    }

    /**
     * The {@code models} consumer's settings besides addresses and group: {@code read_committed}, and
     * fetches as large as the largest model record ({@link ModelRecordLimits#MAX_RECORD_BYTES}; Kafka's
     * per-partition default is 1 MiB). The topic has one partition, so one fetch is one partition's.
     */
    static Map<String, String> modelConsumerSettings() {
        return Map.of(
                // The trainer writes in transactions: never serve a model from an aborted one.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES),
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES));
    }

    /** Publishes model versions to {@code models}, exactly once: key = model name, value = payload. */
    public static KafkaSink<ModelRecord> modelSink(KafkaSettings kafka) {
        KafkaSinkBuilder<ModelRecord> builder = KafkaSink.<ModelRecord>builder()
                .setKafkaProducerConfig(userProperties(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(new ModelRecordSerializer(kafka.topics().models()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-models")
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(kafka.transactionTimeout().toMillis()));
        modelProducerSettings().forEach(builder::setProperty);
        return builder.build();
    }

    /**
     * The {@code models} producer's size settings: requests as large as the largest model record
     * ({@link ModelRecordLimits#MAX_RECORD_BYTES}; Kafka's default is 1 MiB), and a send buffer of
     * twice that, so one record always fits while the previous one is still in flight.
     */
    static Map<String, String> modelProducerSettings() {
        return Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES),
                ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(2L * ModelRecordLimits.MAX_RECORD_BYTES));
    }

    /**
     * The user's client properties (security.protocol, sasl.*, ssl.*, ...) as a builder takes them; a
     * fresh copy each time, since builders keep the object they are given.
     */
    private static Properties userProperties(KafkaSettings kafka) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        return p;
    }
}
