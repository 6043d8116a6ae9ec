package io.flowcast.jobs.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Writes one univariate observation as the {@code observations} topic expects it (docs/records.md). */
public final class ObservationJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** Integral values up to this size are written without a fraction ({@code 81}, not {@code 81.0}). */
    private static final double LARGEST_EXACT_INTEGER = 9.007199254740992E15;

    private ObservationJson() {
    }

    /** @param value null for a missing measurement (written as {@code "value": null}) */
    public static byte[] write(String key, Instant ts, Double value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(80);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeStringField("ts", ts.toString());
            g.writeFieldName("value");
            if (value == null) {
                g.writeNull();
            } else if (value == Math.rint(value) && Math.abs(value) < LARGEST_EXACT_INTEGER) {
                g.writeNumber(value.longValue());
            } else {
                g.writeNumber(value);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
