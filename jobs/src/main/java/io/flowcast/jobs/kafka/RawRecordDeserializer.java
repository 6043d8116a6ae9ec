package io.flowcast.jobs.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps every consumed record into a {@link RawKafkaRecord} and never throws: a record that cannot
 * be parsed must reach the dead-letter topic with its bytes and coordinates, not fail the job (the
 * source would restart and meet the same record again, forever).
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawKafkaRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawKafkaRecord> out) {
        out.collect(new RawKafkaRecord(record.key(), record.value(), record.topic(), record.partition(),
                record.offset()));
    }

    @Override
    public TypeInformation<RawKafkaRecord> getProducedType() {
        return TypeInformation.of(RawKafkaRecord.class);
    }
}
