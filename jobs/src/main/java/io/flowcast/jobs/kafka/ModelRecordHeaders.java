package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecord;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka record headers of a {@code models} record: what routing needs to know of a model
 * version besides its name (the record key), so that a consumer learns it without decoding the
 * payload, which grows with the net. Values are decimal ASCII, readable with any Kafka tool
 * ({@code kafka-console-consumer --property print.headers=true}).
 *
 * <p>The payload stays the truth: {@link ModelRecord#parse()} refuses a record whose headers disagree
 * with it, so a wrong header can delay a model's rejection, never serve a wrong one.
 */
public final class ModelRecordHeaders {

    /** {@link ModelRecord#version}. */
    public static final String VERSION = "flowcast.model.version";
    /** {@link ModelRecord#trainedUpTo}, epoch milliseconds. */
    public static final String TRAINED_UP_TO = "flowcast.model.trainedUpTo";

    private ModelRecordHeaders() {
    }

    static void write(ModelRecord model, Headers headers) {
        headers.add(VERSION, Long.toString(model.version).getBytes(StandardCharsets.US_ASCII));
        headers.add(TRAINED_UP_TO, Long.toString(model.trainedUpTo).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The record the headers describe, payload unread; null when either header is missing or not a
     * number (a record from an older writer or another producer), and the payload must be parsed.
     */
    static ModelRecord read(String name, Headers headers, byte[] payload) {
        Long version = number(headers.lastHeader(VERSION));
        Long trainedUpTo = number(headers.lastHeader(TRAINED_UP_TO));
        if (version == null || trainedUpTo == null) {
            return null;
        }
        return new ModelRecord(name, version, trainedUpTo, payload);
    }

    private static Long number(Header header) {
        if (header == null || header.value() == null) {
            return null;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
