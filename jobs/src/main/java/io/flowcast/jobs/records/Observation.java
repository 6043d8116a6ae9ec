package io.flowcast.jobs.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated observation of one series, after parsing (Kafka JSON or a CSV row). A Flink POJO:
 * public fields, no-arg constructor, {@code float[]} handled by Flink's primitive array serializer
 * (never Kryo).
 */
public class Observation {

    /** The series key (Kafka: the JSON "key", else the record key; CSV: file or column name). */
    public String key;
    /** Event time, epoch milliseconds. */
    public long timestamp;
    /** The timestamp exactly as it appeared in the input, echoed in backtest output. */
    public String rawTimestamp;
    /** The features; NaN marks a missing value. */
    public float[] values;

    public Observation() {
    }

    public Observation(String key, long timestamp, String rawTimestamp, float[] values) {
        this.key = key;
        this.timestamp = timestamp;
        this.rawTimestamp = rawTimestamp;
        this.values = values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Observation other && timestamp == other.timestamp && Objects.equals(key, other.key)
                && Objects.equals(rawTimestamp, other.rawTimestamp) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp);
    }

    @Override
    public String toString() {
        return "Observation{key=" + key + ", timestamp=" + timestamp + ", raw=" + rawTimestamp + ", values="
                + Arrays.toString(values) + "}";
    }
}
