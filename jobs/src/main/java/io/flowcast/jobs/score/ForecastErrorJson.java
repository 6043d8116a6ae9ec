package io.flowcast.jobs.score;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The JSON form of a {@link ForecastError} on the {@code forecast-errors} topic (schema:
 * docs/schemas/forecast-errors.schema.json). JSON has no NaN: an absent number is {@code null}, and
 * so is {@code inside} without a band.
 */
public final class ForecastErrorJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ForecastErrorJson() {
    }

    /**
     * Written field by field into one builder rather than through a Jackson generator: a job writes up to
     * H of these per event, and the generator's bookkeeping per field was most of their cost. Numbers
     * are Java's text for a float (as Jackson writes them), the key escaped as Jackson escapes it.
     */
    public static byte[] write(ForecastError e) {
        StringBuilder sb = new StringBuilder(560);
        sb.append("{\"key\":\"");
        JsonStringEncoder.getInstance().quoteAsString(e.key(), sb);
        sb.append('"');
        instant(sb, "originTs", e.originTime());
        integer(sb, "originTime", e.originTime());
        instant(sb, "targetTs", e.targetTime());
        integer(sb, "targetTime", e.targetTime());
        integer(sb, "horizon", e.horizon());
        number(sb, "forecast", e.forecast());
        number(sb, "actual", e.actual());
        number(sb, "p10", e.p10());
        number(sb, "p90", e.p90());
        Boolean inside = e.inside();
        sb.append(",\"inside\":").append(inside == null ? "null" : inside.toString());
        integer(sb, "modelVersion", e.modelVersion());
        number(sb, "persistence", e.persistence());
        RollingErrors r = e.rolling();
        integer(sb, "window", r.window());
        number(sb, "mae", r.mae());
        number(sb, "rmse", r.rmse());
        number(sb, "wape", r.wape());
        number(sb, "persistenceMae", r.persistenceMae());
        number(sb, "persistenceRmse", r.persistenceRmse());
        number(sb, "persistenceWape", r.persistenceWape());
        number(sb, "coverage", r.coverage());
        Anomaly a = e.anomaly();
        sb.append(",\"anomaly\":").append(a == null ? "null" : a.flagged() ? "true" : "false");
        number(sb, "anomalyScore", a == null ? Float.NaN : a.score());
        number(sb, "anomalyLow", a == null ? Float.NaN : a.low());
        number(sb, "anomalyHigh", a == null ? Float.NaN : a.high());
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void instant(StringBuilder sb, String field, long epochMillis) {
        sb.append(",\"").append(field).append("\":\"");
        DateTimeFormatter.ISO_INSTANT.formatTo(Instant.ofEpochMilli(epochMillis), sb);
        sb.append('"');
    }

    private static void integer(StringBuilder sb, String field, long value) {
        sb.append(",\"").append(field).append("\":").append(value);
    }

    /** A finite float as Java writes it; JSON has no NaN or infinity, so those are null. */
    private static void number(StringBuilder sb, String field, float value) {
        sb.append(",\"").append(field).append("\":");
        if (Float.isFinite(value)) {
            sb.append(value);
        } else {
            sb.append("null");
        }
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

    private static float number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Float.NaN : v.floatValue();
    }
}
