package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A model version on the {@code models} topic: key = model name (compaction keeps its newest), value =
 * payload, and the version and training time in headers ({@link ModelRecordHeaders}) so that readers
 * need not decode the payload to route it.
 */
public final class ModelRecordSerializer implements KafkaRecordSerializationSchema<ModelRecord> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public ModelRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ModelRecord model, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        ModelRecordHeaders.write(model, headers);
        return new ProducerRecord<>(topic, null, null, model.name.getBytes(StandardCharsets.UTF_8), model.payload,
                headers);
    }
}
