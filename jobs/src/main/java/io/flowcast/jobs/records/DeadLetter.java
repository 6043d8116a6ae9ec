package io.flowcast.jobs.records;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A record the job could not use, with the reason, for the {@code dead-letters} topic. Nothing bad is
 * dropped silently: every rejected input becomes one of these.
 *
 * <p>Bounded, whatever it was made from: at most {@link #MAX_RAW_BYTES} bytes of the raw value (its
 * original size in {@link #rawSize}, {@link #rawTruncated} set when cut), at most
 * {@link #MAX_TEXT_CHARS} characters of {@link #detail} and {@link #topic}, and no lone UTF-16
 * surrogate in either (they become U+FFFD). So a dead letter always fits well inside the dead-letter
 * producer's request limit (Kafka's default is 1 MiB): an input record large enough to make its own
 * dead letter too large would otherwise fail the sink, and the job would restart into the same record
 * forever. The whole record can still be fetched from {@code topic}/{@code partition}/{@code offset}
 * while retention allows.
 */
public class DeadLetter {

    /** The most bytes of a rejected value kept in {@link #rawBase64}: 64 KiB. */
    public static final int MAX_RAW_BYTES = 64 * 1024;
    /** The most characters kept of {@link #detail} and of {@link #topic}. */
    public static final int MAX_TEXT_CHARS = 1_000;
    /** The base64 length of {@link #MAX_RAW_BYTES} bytes. */
    static final int MAX_RAW_BASE64_CHARS = 4 * ((MAX_RAW_BYTES + 2) / 3);
    private static final String CUT_MARK = "...";

    /** The raw record value, base64; at most its first {@link #MAX_RAW_BYTES} bytes; null for a tombstone. */
    public String rawBase64;
    /** The size of the whole raw value in bytes (0 for a tombstone). */
    public int rawSize;
    /** Whether {@link #rawBase64} holds only the first {@link #MAX_RAW_BYTES} bytes of the value. */
    public boolean rawTruncated;
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

    /**
     * From a base64 value, keeping at most the base64 of its first {@link #MAX_RAW_BYTES} bytes (the
     * other texts bounded as well). Prefer {@link #of} when the bytes are at hand: it never encodes
     * more than it keeps.
     */
    public DeadLetter(String rawBase64, String topic, int partition, long offset, String reason, String detail) {
        this(boundedBase64(rawBase64), decodedSize(rawBase64), rawBase64 != null && rawBase64.length() > MAX_RAW_BASE64_CHARS,
                topic, partition, offset, reason, detail);
    }

    /** Every field as given (texts bounded), e.g. as read back from the topic. */
    public DeadLetter(String rawBase64, int rawSize, boolean rawTruncated, String topic, int partition, long offset,
            String reason, String detail) {
        this.rawBase64 = rawBase64;
        this.rawSize = rawSize;
        this.rawTruncated = rawTruncated;
        this.topic = boundedText(topic);
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
        this.detail = boundedText(detail);
    }

    /** From the raw value's bytes (null: a tombstone), of which at most {@link #MAX_RAW_BYTES} are encoded. */
    public static DeadLetter of(byte[] value, String topic, int partition, long offset, String reason, String detail) {
        if (value == null) {
            return new DeadLetter(null, 0, false, topic, partition, offset, reason, detail);
        }
        boolean truncated = value.length > MAX_RAW_BYTES;
        byte[] kept = truncated ? Arrays.copyOf(value, MAX_RAW_BYTES) : value;
        return new DeadLetter(Base64.getEncoder().encodeToString(kept), value.length, truncated, topic, partition,
                offset, reason, detail);
    }

    /**
     * {@code text} cut to {@link #MAX_TEXT_CHARS} characters (ending in "..." when cut) with every lone
     * surrogate replaced by U+FFFD: JSON writers escape one (U+D800 as a backslash-u escape), which strict readers refuse.
     */
    static String boundedText(String text) {
        if (text == null) {
            return null;
        }
        String cut = text.length() <= MAX_TEXT_CHARS ? text
                : text.substring(0, MAX_TEXT_CHARS - CUT_MARK.length()) + CUT_MARK;
        StringBuilder clean = null;
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1));
            if (paired) {
                if (clean != null) {
                    clean.append(c).append(cut.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (clean == null) {
                    clean = new StringBuilder(cut.length()).append(cut, 0, i);
                }
                clean.append('\uFFFD');
            } else if (clean != null) {
                clean.append(c);
            }
        }
        return clean == null ? cut : clean.toString();
    }

    /** The base64 of at most the first {@link #MAX_RAW_BYTES} bytes {@code base64} encodes. */
    private static String boundedBase64(String base64) {
        if (base64 == null || base64.length() <= MAX_RAW_BASE64_CHARS) {
            return base64;
        }
        // A prefix of whole 4-character groups holds no padding and decodes on its own.
        String prefix = base64.substring(0, MAX_RAW_BASE64_CHARS);
        try {
            byte[] bytes = Base64.getDecoder().decode(prefix);
            return Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, Math.min(bytes.length, MAX_RAW_BYTES)));
        } catch (IllegalArgumentException notBase64) {
            return prefix; // not ours to repair; still bounded
        }
    }

    /** The number of bytes {@code base64} (with padding) encodes; 0 for null. */
    private static int decodedSize(String base64) {
        if (base64 == null) {
            return 0;
        }
        int n = base64.length();
        int padding = n > 0 && base64.charAt(n - 1) == '=' ? (n > 1 && base64.charAt(n - 2) == '=' ? 2 : 1) : 0;
        return (int) Math.max(0, (long) n / 4 * 3 - padding);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && partition == d.partition && offset == d.offset && rawSize == d.rawSize
                && rawTruncated == d.rawTruncated && Objects.equals(rawBase64, d.rawBase64)
                && Objects.equals(topic, d.topic) && Objects.equals(reason, d.reason) && Objects.equals(detail, d.detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, reason);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + ", reason=" + reason + ", detail=" + detail
                + ", rawSize=" + rawSize + (rawTruncated ? " (truncated)" : "") + "}";
    }
}
