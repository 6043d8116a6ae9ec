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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the bytes of one {@code observations} record into an {@link Observation}, or says why not.
 * Pure and thread-safe; it never throws on bad input (anything unforeseen becomes {@code not-json}).
 * The format is documented in docs/records.md:
 * <pre>{"key": "station-7", "ts": "2014-07-01T00:30:00Z" | 1404174600000, "value": 8127 | null}
 * {"key": "station-7", "ts": ..., "values": [1.5, null, 3]}</pre>
 * Checks run in this order and the first failure is reported: UTF-8 JSON object, key, time, value(s).
 * Unknown fields are ignored so producers can add fields without breaking the job. Jackson's own
 * limits bound the rest (nesting depth 1,000, numbers of 1,000 characters, strings of 20 M
 * characters): beyond them a record is {@code not-json}.
 */
public final class ObservationParser implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ObservationParser.class);
    /** Longest excerpt of offending input quoted in a dead letter's detail. */
    private static final int EXCERPT = 60;
    /** Longer than any ISO-8601 instant Instant.parse accepts: such a text is refused without parsing it. */
    private static final int MAX_TIME_TEXT = 64;
    // Strict on purpose: a duplicated field or trailing garbage means we cannot be sure what was meant.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int expectedFeatures;
    private final int maxKeyBytes;

    /** @param expectedFeatures how many numbers each observation carries (1 for a univariate series) */
    public ObservationParser(int expectedFeatures) {
        this(expectedFeatures, SeriesKeys.DEFAULT_MAX_BYTES);
    }

    /**
     * @param expectedFeatures how many numbers each observation carries (1 for a univariate series)
     * @param maxKeyBytes the longest series key accepted, in UTF-8 bytes; longer ones are {@code bad-key}
     */
    public ObservationParser(int expectedFeatures, int maxKeyBytes) {
        if (expectedFeatures < 1) {
            throw new IllegalArgumentException("expectedFeatures must be at least 1, got " + expectedFeatures);
        }
        if (maxKeyBytes < 1) {
            throw new IllegalArgumentException("maxKeyBytes must be at least 1, got " + maxKeyBytes);
        }
        this.expectedFeatures = expectedFeatures;
        this.maxKeyBytes = maxKeyBytes;
    }

    public int expectedFeatures() {
        return expectedFeatures;
    }

    public int maxKeyBytes() {
        return maxKeyBytes;
    }

    /**
     * @param value the record value (null for a tombstone)
     * @param recordKey the Kafka record key, used as the series key when the JSON has none; may be null
     */
    public ParseResult parse(byte[] value, byte[] recordKey) {
        try {
            return parseChecked(value, recordKey);
        } catch (RuntimeException e) {
            // A case no rule foresaw: one dead letter, never a failed job (it would meet the record again).
            LOG.warn("unforeseen failure parsing a record; it is dead-lettered as not-json", e);
            return reject(RejectReason.NOT_JSON, "could not be read: " + e);
        }
    }

    private ParseResult parseChecked(byte[] value, byte[] recordKey) {
        if (value == null || value.length == 0) {
            return reject(RejectReason.NOT_JSON, value == null ? "record has no value (tombstone)" : "record value is empty");
        }
        String encoding = encodingProblem(value);
        if (encoding != null) {
            return reject(RejectReason.NOT_JSON, encoding);
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
            long bytes = SeriesKeys.utf8Length(key);
            if (bytes < 0) {
                return reject(RejectReason.BAD_KEY, "\"key\" holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff "
                        + "escape), which has no UTF-8 form");
            }
            if (bytes > maxKeyBytes) {
                return reject(RejectReason.BAD_KEY, "\"key\" is " + bytes + " bytes of UTF-8; at most " + maxKeyBytes
                        + " are accepted");
            }
        } else if (recordKey != null && recordKey.length > 0) {
            if (recordKey.length > maxKeyBytes) {
                return reject(RejectReason.BAD_KEY, "the record key (the series key: no \"key\" in the JSON) is "
                        + recordKey.length + " bytes; at most " + maxKeyBytes + " are accepted");
            }
            String malformed = Utf8.problem(recordKey, true);
            if (malformed != null) {
                return reject(RejectReason.BAD_KEY, "the record key (the series key: no \"key\" in the JSON) is not "
                        + "valid UTF-8: " + malformed);
            }
            key = new String(recordKey, StandardCharsets.UTF_8);
            if (key.isBlank()) {
                return reject(RejectReason.NO_KEY, "no \"key\" in the JSON and the record key is blank");
            }
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
                if (tsNode.textValue().length() > MAX_TIME_TEXT) {
                    throw new DateTimeException("too long for an instant");
                }
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
        if (!EventTimeRange.contains(timestamp)) {
            return reject(RejectReason.BAD_TIME, "\"ts\" " + excerpt(tsNode) + " is outside the accepted range "
                    + EventTimeRange.describe());
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

    /**
     * Why {@code value} is not UTF-8 JSON text, or null. Jackson would guess UTF-16 or UTF-32 from the
     * first bytes and read such a record; the format says UTF-8, without a byte order mark (RFC 8259).
     */
    private static String encodingProblem(byte[] value) {
        if (startsWith(value, 0xEF, 0xBB, 0xBF)) {
            return "starts with a byte order mark (EF BB BF): records must be UTF-8 without one";
        }
        if (startsWith(value, 0x00, 0x00, 0xFE, 0xFF) || startsWith(value, 0xFF, 0xFE, 0x00, 0x00)) {
            return "starts with a UTF-32 byte order mark: records must be UTF-8";
        }
        if (startsWith(value, 0xFE, 0xFF) || startsWith(value, 0xFF, 0xFE)) {
            return "starts with a UTF-16 byte order mark: records must be UTF-8";
        }
        String problem = Utf8.problem(value, false);
        if (problem == null) {
            return null;
        }
        return problem.startsWith("a NUL byte")
                ? "not UTF-8 (" + problem + ": UTF-16 or UTF-32 text?); records must be UTF-8"
                : "not valid UTF-8: " + problem;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
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
