package io.flowcast.jobs.kafka;

/**
 * A Kafka record exactly as it arrived: key and value bytes untouched, plus where it came from. The
 * source emits these so parsing happens in an operator (with a dead-letter side output) rather than
 * in the deserializer, where an exception would fail the job. A Flink POJO ({@code byte[]} fields use
 * the primitive array serializer).
 */
public class RawKafkaRecord {

    /** The record key, or null when the producer set none. */
    public byte[] key;
    /** The record value, or null for a tombstone. */
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;

    public RawKafkaRecord() {
    }

    public RawKafkaRecord(byte[] key, byte[] value, String topic, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public String toString() {
        return "RawKafkaRecord{" + topic + "/" + partition + "@" + offset + "}";
    }
}
