package io.flowcast.jobs.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads the JSON values of {@code forecasts} and {@code forecast-errors} tolerantly: the dashboard
 * runs against jobs older and newer than itself, so a field it does not know is ignored and an
 * optional field that is missing or null is absent (NaN). A record without what the view cannot do
 * without (key, times, horizon, values) is refused (empty), never an exception.
 */
public final class DashboardRecords {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DashboardRecords() {
    }

    /** A keyed forecast point, or empty when the bytes are not a usable forecast record. */
    public static Optional<Keyed<ForecastPoint>> forecast(byte[] json) {
        JsonNode n = tree(json);
        if (n == null || !n.path("key").isTextual() || !n.path("eventTime").canConvertToLong()
                || !n.path("values").isArray()) {
            return Optional.empty();
        }
        float[] values = floats(n.get("values"));
        return Optional.of(new Keyed<>(n.get("key").textValue(), new ForecastPoint(n.get("eventTime").longValue(),
                number(n, "observed"), n.path("modelVersion").asLong(0), values, sameLength(floats(n.get("p10")), values),
                sameLength(floats(n.get("p90")), values))));
    }

    /** A keyed error record, or empty when the bytes are not a usable error record. */
    public static Optional<Keyed<ErrorPoint>> error(byte[] json) {
        JsonNode n = tree(json);
        if (n == null || !n.path("key").isTextual() || !n.path("targetTime").canConvertToLong()
                || !n.path("horizon").canConvertToInt() || n.get("horizon").intValue() < 1) {
            return Optional.empty();
        }
        JsonNode inside = n.get("inside");
        JsonNode anomaly = n.get("anomaly");
        return Optional.of(new Keyed<>(n.get("key").textValue(), new ErrorPoint(n.path("originTime").asLong(0),
                n.get("targetTime").longValue(), n.get("horizon").intValue(), number(n, "forecast"), number(n, "actual"),
                n.path("modelVersion").asLong(0), inside != null && inside.isBoolean() ? inside.booleanValue() : null,
                number(n, "mae"), number(n, "rmse"), number(n, "persistenceMae"), number(n, "persistenceRmse"),
                number(n, "wape"), number(n, "persistenceWape"), number(n, "coverage"),
                anomaly != null && anomaly.isBoolean() ? anomaly.booleanValue() : null, number(n, "anomalyScore"),
                number(n, "anomalyLow"), number(n, "anomalyHigh"))));
    }

    /** A value of a topic with the series key it belongs to. */
    public record Keyed<T>(String key, T value) {
    }

    private static JsonNode tree(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.doubleValue() : Double.NaN;
    }

    private static float[] floats(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            values[i] = v.isNumber() ? v.floatValue() : Float.NaN;
        }
        return values;
    }

    /** A band is only drawn against the fan it belongs to: one of another length is dropped. */
    private static float[] sameLength(float[] band, float[] values) {
        return band != null && band.length == values.length ? band : null;
    }
}
