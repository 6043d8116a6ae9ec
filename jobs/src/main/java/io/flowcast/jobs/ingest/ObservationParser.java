package io.flowcast.jobs.ingest;

import io.flowcast.jobs.records.RejectReason;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowcast.jobs.ingest.ParseResult.Accepted;
import io.flowcast.jobs.ingest.ParseResult.Rejected;
import io.flowcast.jobs.records.Observation;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;

/**
 * Turns the bytes of one {@code observations} record into an {@link Observation}, or says why not.
 * Pure and thread-safe; it never throws on bad input. The format is documented in docs/records.md:
 * <pre>{"key": "station-7", "ts": "2014-07-01T00:30:00Z" | 1404174600000, "value": 8127 | null}
 * {"key": "station-7", "ts": ..., "values": [1.5, null, 3]}</pre>
 * Checks run in this order and the first failure is reported: JSON object, key, time, value(s).
 * Unknown fields are ignored so producers can add fields without breaking the job.
 */
public final class ObservationParser implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Longest excerpt of offending input quoted in a dead letter's detail. */
    private static final int EXCERPT = 60;
    // Strict on purpose: a duplicated field or trailing garbage means we cannot be sure what was meant.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int expectedFeatures;

    /** @param expectedFeatures how many numbers each observation carries (1 for a univariate series) */
    public ObservationParser(int expectedFeatures) {
        if (expectedFeatures < 1) {
            throw new IllegalArgumentException("expectedFeatures must be at least 1, got " + expectedFeatures);
        }
        this.expectedFeatures = expectedFeatures;
    }

    public int expectedFeatures() {
        return expectedFeatures;
    }

    /**
     * @param value the record value (null for a tombstone)
     * @param recordKey the Kafka record key, used as the series key when the JSON has none; may be null
     */
    public ParseResult parse(byte[] value, byte[] recordKey) {
        if (value == null || value.length == 0) {
            return reject(RejectReason.NOT_JSON, value == null ? "record has no value (tombstone)" : "record value is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return reject(RejectReason.NOT_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(RejectReason.NOT_JSON, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return reject(RejectReason.NOT_JSON, "expected a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }

        JsonNode keyNode = root.get("key");
        String key;
        if (keyNode != null && !keyNode.isNull()) {
            if (!keyNode.isTextual() || keyNode.textValue().isBlank()) {
                return reject(RejectReason.NO_KEY, "\"key\" must be a non-empty string, got " + excerpt(keyNode));
            }
            key = keyNode.textValue();
        } else if (recordKey != null && recordKey.length > 0) {
            key = new String(recordKey, StandardCharsets.UTF_8);
        } else {
            return reject(RejectReason.NO_KEY, "no \"key\" in the JSON and no Kafka record key");
        }

        JsonNode tsNode = root.get("ts");
        if (tsNode == null || tsNode.isNull()) {
            return reject(RejectReason.BAD_TIME, "no \"ts\"");
        }
        long timestamp;
        if (tsNode.isTextual()) {
            try {
                timestamp = IsoInstants.epochMillis(tsNode.textValue());
            } catch (DateTimeException | ArithmeticException e) {
                return reject(RejectReason.BAD_TIME, "\"ts\" is not an ISO-8601 instant with a zone offset "
                        + "(e.g. 2014-07-01T00:30:00Z): " + excerpt(tsNode));
            }
        } else if (tsNode.isIntegralNumber() && tsNode.canConvertToLong()) {
            timestamp = tsNode.longValue();
        } else {
            return reject(RejectReason.BAD_TIME, "\"ts\" must be an ISO-8601 string or integer epoch milliseconds, got "
                    + excerpt(tsNode));
        }

        JsonNode single = root.get("value");
        JsonNode many = root.get("values");
        float[] values;
        if (single != null && many != null) {
            return reject(RejectReason.BAD_VALUE, "both \"value\" and \"values\" given");
        } else if (single != null) {
            if (expectedFeatures != 1) {
                return reject(RejectReason.FEATURE_COUNT, "one \"value\" but " + expectedFeatures
                        + " features expected; use \"values\"");
            }
            values = new float[1];
            String problem = readNumber(single, values, 0);
            if (problem != null) {
                return reject(RejectReason.BAD_VALUE, "\"value\" " + problem);
            }
        } else if (many != null) {
            if (!many.isArray()) {
                return reject(RejectReason.BAD_VALUE, "\"values\" must be an array, got " + excerpt(many));
            }
            if (many.size() != expectedFeatures) {
                return reject(RejectReason.FEATURE_COUNT, many.size() + " values but " + expectedFeatures
                        + " expected");
            }
            values = new float[many.size()];
            for (int i = 0; i < values.length; i++) {
                String problem = readNumber(many.get(i), values, i);
                if (problem != null) {
                    return reject(RejectReason.BAD_VALUE, "\"values\"[" + i + "] " + problem);
                }
            }
        } else {
            return reject(RejectReason.NO_VALUE, "neither \"value\" nor \"values\"");
        }
        return new Accepted(new Observation(key, timestamp, tsNode.asText(), values));
    }

    /** Stores a finite number or NaN (for null = missing) at {@code out[i]}; returns a problem or null. */
    private static String readNumber(JsonNode node, float[] out, int i) {
        if (node.isNull()) {
            out[i] = Float.NaN;
            return null;
        }
        if (!node.isNumber()) {
            return "must be a number or null, got " + excerpt(node);
        }
        float f = (float) node.doubleValue();
        if (!Float.isFinite(f)) {
            return "is not a finite 32-bit float: " + excerpt(node);
        }
        out[i] = f;
        return null;
    }

    private static String excerpt(JsonNode node) {
        String text = node.toString();
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "...";
    }

    private static Rejected reject(RejectReason reason, String detail) {
        return new Rejected(reason, detail);
    }
}
