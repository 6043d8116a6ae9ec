package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@code models} record (key = model name, value = {@link ServingModelFormat} bytes) as a
 * {@link ModelRecord}, the version and training time read from the payload. Never throws: a value that
 * does not parse (or a tombstone) still becomes a record, version -1 with the raw bytes, so that
 * {@link ModelRecord#parse()} fails downstream and the record takes the reject path (a WARN, a metric,
 * a dead letter) instead of failing the job on every restart.
 */
public final class ModelRecordDeserializer implements KafkaRecordDeserializationSchema<ModelRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelRecord> out) {
        String name = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            ServingModel m = ServingModelFormat.fromBytes(record.value());
            out.collect(new ModelRecord(name, m.version(), m.info().trainedUpTo(), record.value()));
        } catch (ModelFormatException | RuntimeException e) {
            out.collect(new ModelRecord(name, -1, Long.MIN_VALUE, record.value()));
        }
    }

    @Override
    public TypeInformation<ModelRecord> getProducedType() {
        return TypeInformation.of(ModelRecord.class);
    }
}
