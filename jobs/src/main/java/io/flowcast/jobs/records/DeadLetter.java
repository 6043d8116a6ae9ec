package io.flowcast.jobs.records;

import java.util.Objects;

/**
 * A record the job could not use, kept whole with the reason, for the {@code dead-letters} topic.
 * Nothing bad is dropped silently: every rejected input becomes one of these.
 */
public class DeadLetter {

    /** The raw record value, base64. */
    public String rawBase64;
    /** Where it came from ({@code topic} may name a file for CSV input; partition/offset -1 if none). */
    public String topic;
    public int partition;
    public long offset;
    /** A short machine-readable reason, e.g. {@code not-json}, {@code no-key}, {@code late}. */
    public String reason;
    /** A human-readable explanation. */
    public String detail;

    public DeadLetter() {
    }

    public DeadLetter(String rawBase64, String topic, int partition, long offset, String reason, String detail) {
        this.rawBase64 = rawBase64;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
        this.detail = detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && partition == d.partition && offset == d.offset
                && Objects.equals(rawBase64, d.rawBase64) && Objects.equals(topic, d.topic)
                && Objects.equals(reason, d.reason) && Objects.equals(detail, d.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, reason);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + ", reason=" + reason + ", detail=" + detail + "}";
    }
}
