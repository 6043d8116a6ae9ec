package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A model version on the {@code models} topic: key = model name (compaction keeps its newest), value = payload. */
public final class ModelRecordSerializer implements KafkaRecordSerializationSchema<ModelRecord> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public ModelRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ModelRecord model, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, model.name.getBytes(StandardCharsets.UTF_8), model.payload);
    }
}
