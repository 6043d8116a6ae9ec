package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.RejectReason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The dead letter {@code bad-model} of a rejected model record, small enough for the dead-letters topic
 * whatever the record held. A model record may take up to 16 MiB (the {@code models} topic's limit),
 * the dead-letters topic and its producer take Kafka's default of about 1 MiB: a dead letter carrying a
 * large payload would fail the sink, and the job with it, on every restart. So the payload is copied
 * (base64, in {@code rawBase64}) only up to {@value #MAX_COPIED_PAYLOAD_BYTES} bytes; a larger one is
 * named by its size and SHA-256 (it is still on the {@code models} topic), and the record's key is
 * shortened in the detail to {@value #MAX_NAME_CHARS} characters.
 */
final class BadModelDeadLetter {

    /** Largest payload copied into a dead letter: 256 KiB, about 342 KiB of base64. */
    static final int MAX_COPIED_PAYLOAD_BYTES = 256 * 1024;
    /** Longest model name (record key) written into a detail or a log line. */
    static final int MAX_NAME_CHARS = 200;

    private BadModelDeadLetter() {
    }

    static DeadLetter of(ModelRecord r, String problem) {
        byte[] payload = r.payload;
        boolean copied = payload != null && payload.length <= MAX_COPIED_PAYLOAD_BYTES;
        String detail = "model record " + shortName(r.name) + " v" + r.version + " rejected: " + problem;
        if (payload != null && !copied) {
            detail += " (payload of " + payload.length + " bytes, SHA-256 " + sha256(payload) + ", not copied: above "
                    + MAX_COPIED_PAYLOAD_BYTES + " bytes)";
        }
        return new DeadLetter(copied ? Base64.getEncoder().encodeToString(payload) : null, ModelRecordCheck.TOPIC,
                -1, -1, RejectReason.BAD_MODEL.code(), detail);
    }

    /** The name as given, or its first {@value #MAX_NAME_CHARS} characters and its length. */
    static String shortName(String name) {
        if (name == null || name.length() <= MAX_NAME_CHARS) {
            return name;
        }
        return name.substring(0, MAX_NAME_CHARS) + "... (" + name.length() + " characters)";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A record for a log line: {@link ModelRecord#toString()} with the name shortened. */
    static String describe(ModelRecord r) {
        return "ModelRecord{" + shortName(r.name) + " v" + r.version + ", trainedUpTo=" + r.trainedUpTo + ", "
                + (r.payload == null ? 0 : r.payload.length) + " bytes}";
    }
}
