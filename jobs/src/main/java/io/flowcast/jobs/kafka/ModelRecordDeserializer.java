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
 * {@link ModelRecord}. The version and training time come from the record's headers
 * ({@link ModelRecordHeaders}), so the payload is not decoded here, only where the model itself is
 * needed ({@link ModelRecord#parse()}, which also refuses headers that disagree with the payload). A
 * record without those headers (an older writer, another producer) is decoded here to learn them.
 *
 * <p>Never throws: a value that does not parse (or a tombstone) still becomes a record, with the
 * raw bytes (version -1 when nothing says otherwise), so that {@link ModelRecord#parse()} fails
 * downstream and the record takes the reject path (a WARN, a metric, a dead letter) instead of
 * failing the job on every restart.
 */
public final class ModelRecordDeserializer implements KafkaRecordDeserializationSchema<ModelRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelRecord> out) {
        out.collect(toModelRecord(record));
    }

    static ModelRecord toModelRecord(ConsumerRecord<byte[], byte[]> record) {
        String name = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            ModelRecord fromHeaders = ModelRecordHeaders.read(name, record.headers(), record.value());
            if (fromHeaders != null) {
                return fromHeaders;
            }
            ServingModel m = ServingModelFormat.fromBytes(record.value());
            return new ModelRecord(name, m.version(), m.info().trainedUpTo(), record.value());
        } catch (ModelFormatException | RuntimeException e) {
            return new ModelRecord(name, -1, Long.MIN_VALUE, record.value());
        }
    }

    @Override
    public TypeInformation<ModelRecord> getProducedType() {
        return TypeInformation.of(ModelRecord.class);
    }
}
