package io.flowcast.jobs.ingest;

/**
 * Why an input record was sent to {@code dead-letters}. The codes are part of the topic's contract
 * (docs/records.md): consumers group and alert on them, so they never change once published.
 */
public enum RejectReason {
    /** The value is not a JSON object (not JSON at all, empty, a tombstone, an array, trailing garbage). */
    NOT_JSON("not-json"),
    /** Neither a non-empty string {@code "key"} in the JSON nor a Kafka record key. */
    NO_KEY("no-key"),
    /** {@code "ts"} missing, or neither an ISO-8601 instant with zone nor integer epoch milliseconds. */
    BAD_TIME("bad-time"),
    /** Neither {@code "value"} nor {@code "values"}. */
    NO_VALUE("no-value"),
    /** A value that is not a finite number or null (a string, "Infinity", a number beyond float range...). */
    BAD_VALUE("bad-value"),
    /** {@code "values"} does not hold the configured number of features. */
    FEATURE_COUNT("feature-count");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable short code written to the dead letter's {@code reason}. */
    public String code() {
        return code;
    }
}
