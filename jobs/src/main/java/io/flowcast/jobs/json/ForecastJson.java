package io.flowcast.jobs.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.records.Forecast;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of a {@link Forecast} on the {@code forecasts} topic (schema:
 * docs/schemas/forecasts.schema.json). JSON has no NaN, so a forecast that could not be made (no
 * value seen yet) is written as {@code null}.
 */
public final class ForecastJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ForecastJson() {
    }

    public static byte[] write(Forecast f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 16 * f.values.length);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("key", f.key);
            g.writeStringField("ts", Instant.ofEpochMilli(f.eventTime).toString());
            g.writeNumberField("eventTime", f.eventTime);
            g.writeNumberField("modelVersion", f.modelVersion);
            writeFloats(g, "values", f.values);
            if (f.p10 != null) {
                writeFloats(g, "p10", f.p10);
            }
            if (f.p90 != null) {
                writeFloats(g, "p90", f.p90);
            }
            g.writeNumberField("emittedAt", f.emittedAt);
            if (Float.isFinite(f.observed)) {
                g.writeNumberField("observed", f.observed);
            } else {
                g.writeNullField("observed");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Reads what {@link #write} wrote ({@code rawTimestamp} is not part of the topic and stays null). */
    public static Forecast read(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        Forecast f = new Forecast();
        f.key = n.get("key").textValue();
        f.eventTime = n.get("eventTime").longValue();
        f.modelVersion = n.get("modelVersion").longValue();
        f.values = readFloats(n.get("values"));
        f.p10 = readFloats(n.get("p10"));
        f.p90 = readFloats(n.get("p90"));
        f.emittedAt = n.get("emittedAt").longValue();
        JsonNode observed = n.get("observed");
        f.observed = observed == null || observed.isNull() ? Float.NaN : observed.floatValue();
        return f;
    }

    private static void writeFloats(JsonGenerator g, String field, float[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (float v : values) {
            if (Float.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }

    private static float[] readFloats(JsonNode array) {
        if (array == null || array.isNull()) {
            return null;
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            values[i] = v.isNull() ? Float.NaN : v.floatValue();
        }
        return values;
    }
}
