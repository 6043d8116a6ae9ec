package io.flowcast.jobs.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.records.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON form of a {@link DeadLetter} on the {@code dead-letters} topic (docs/schemas/dead-letters.schema.json). */
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
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    public static DeadLetter read(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        return new DeadLetter(n.get("rawBase64").textValue(), n.get("topic").textValue(), n.get("partition").intValue(),
                n.get("offset").longValue(), n.get("reason").textValue(), n.get("detail").textValue());
    }
}
