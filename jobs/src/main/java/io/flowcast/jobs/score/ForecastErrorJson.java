package io.flowcast.jobs.score;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of a {@link ForecastError} on the {@code forecast-errors} topic (schema:
 * docs/schemas/forecast-errors.schema.json). JSON has no NaN: an absent number is {@code null}, and
 * so is {@code inside} without a band.
 */
public final class ForecastErrorJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ForecastErrorJson() {
    }

    public static byte[] write(ForecastError e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("key", e.key());
            g.writeStringField("originTs", Instant.ofEpochMilli(e.originTime()).toString());
            g.writeNumberField("originTime", e.originTime());
            g.writeStringField("targetTs", Instant.ofEpochMilli(e.targetTime()).toString());
            g.writeNumberField("targetTime", e.targetTime());
            g.writeNumberField("horizon", e.horizon());
            number(g, "forecast", e.forecast());
            number(g, "actual", e.actual());
            number(g, "p10", e.p10());
            number(g, "p90", e.p90());
            Boolean inside = e.inside();
            if (inside == null) {
                g.writeNullField("inside");
            } else {
                g.writeBooleanField("inside", inside);
            }
            g.writeNumberField("modelVersion", e.modelVersion());
            number(g, "persistence", e.persistence());
            RollingErrors r = e.rolling();
            g.writeNumberField("window", r.window());
            number(g, "mae", r.mae());
            number(g, "rmse", r.rmse());
            number(g, "wape", r.wape());
            number(g, "persistenceMae", r.persistenceMae());
            number(g, "persistenceRmse", r.persistenceRmse());
            number(g, "persistenceWape", r.persistenceWape());
            number(g, "coverage", r.coverage());
            Anomaly a = e.anomaly();
            if (a == null) {
                g.writeNullField("anomaly");
                g.writeNullField("anomalyScore");
                g.writeNullField("anomalyLow");
                g.writeNullField("anomalyHigh");
            } else {
                g.writeBooleanField("anomaly", a.flagged());
                number(g, "anomalyScore", a.score());
                number(g, "anomalyLow", a.low());
                number(g, "anomalyHigh", a.high());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", ex);
        }
        return out.toByteArray();
    }

    /** Reads what {@link #write} wrote. */
    public static ForecastError read(byte[] json) throws IOException {
        JsonNode n = MAPPER.readTree(json);
        RollingErrors rolling = new RollingErrors(n.get("window").intValue(), number(n, "mae"), number(n, "rmse"),
                number(n, "wape"), number(n, "persistenceMae"), number(n, "persistenceRmse"),
                number(n, "persistenceWape"), number(n, "coverage"));
        JsonNode flagged = n.get("anomaly");
        Anomaly anomaly = flagged == null || flagged.isNull() ? null
                : new Anomaly(flagged.booleanValue(), number(n, "anomalyScore"), number(n, "anomalyLow"),
                        number(n, "anomalyHigh"));
        return new ForecastError(n.get("key").textValue(), n.get("originTime").longValue(),
                n.get("targetTime").longValue(), n.get("horizon").intValue(), number(n, "forecast"),
                number(n, "actual"), number(n, "p10"), number(n, "p90"), n.get("modelVersion").longValue(),
                number(n, "persistence"), rolling, anomaly);
    }

    private static void number(JsonGenerator g, String field, float value) throws IOException {
        if (Float.isFinite(value)) {
            g.writeNumberField(field, value);
        } else {
            g.writeNullField(field);
        }
    }

    private static float number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Float.NaN : v.floatValue();
    }
}
