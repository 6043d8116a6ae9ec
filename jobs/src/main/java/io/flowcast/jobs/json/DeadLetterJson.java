package io.flowcast.jobs.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.records.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of a {@link DeadLetter} on the {@code dead-letters} topic (docs/schemas/dead-letters.schema.json).
 * Its size is bounded by {@link DeadLetter}'s own bounds, whoever made it.
 */
public final class DeadLetterJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {
    }

    public static byte[] write(DeadLetter d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("reason", d.reason);
            g.writeStringField("detail", d.detail);
            g.writeStringField("topic", d.topic);
            g.writeNumberField("partition", d.partition);
            g.writeNumberField("offset", d.offset);
            g.writeStringField("rawBase64", d.rawBase64);
            g.writeNumberField("rawSize", d.rawSize);
            g.writeBooleanField("rawTruncated", d.rawTruncated);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Also reads dead letters written before {@code rawSize} and {@code rawTruncated} existed (whole values). */
    public static DeadLetter read(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        String raw = n.get("rawBase64").textValue();
        String topic = n.get("topic").textValue();
        int partition = n.get("partition").intValue();
        long offset = n.get("offset").longValue();
        String reason = n.get("reason").textValue();
        String detail = n.get("detail").textValue();
        JsonNode size = n.get("rawSize");
        if (size == null) {
            return new DeadLetter(raw, topic, partition, offset, reason, detail);
        }
        JsonNode truncated = n.get("rawTruncated");
        return new DeadLetter(raw, size.intValue(), truncated != null && truncated.booleanValue(), topic, partition,
                offset, reason, detail);
    }
}
