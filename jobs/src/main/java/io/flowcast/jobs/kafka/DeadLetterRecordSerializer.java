package io.flowcast.jobs.kafka;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.records.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead letters as JSON, without a record key (a bad record may have no usable key at all). A dead letter
 * is bounded ({@link DeadLetter#MAX_RAW_BYTES} of the raw value, {@link DeadLetter#MAX_TEXT_CHARS} of
 * each text), so its record always fits the producer's default 1 MiB request limit, however large the
 * input record was.
 */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, DeadLetterJson.write(deadLetter));
    }
}
