package io.flowcast.jobs.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * The dashboard's JSON: Jackson, so every string (series keys are user input) is escaped by the
 * encoder, never by hand; JSON has no NaN, so an unknown number is {@code null}. The page, for its
 * part, puts text only through {@code textContent}.
 */
final class DashboardJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("nan-as-null")
            .addSerializer(Double.class, new NanAsNull())
            .addSerializer(double.class, new NanAsNull())
            .addSerializer(double[].class, new NanArrayAsNulls()));

    private DashboardJson() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the dashboard's own records always encode", e);
        }
    }

    private static final class NanAsNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            number(g, v);
        }
    }

    private static final class NanArrayAsNulls extends JsonSerializer<double[]> {
        @Override
        public void serialize(double[] values, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(values, values.length);
            for (double v : values) {
                number(g, v);
            }
            g.writeEndArray();
        }
    }

    private static void number(JsonGenerator g, Double v) throws IOException {
        if (v == null || !Double.isFinite(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }
}
