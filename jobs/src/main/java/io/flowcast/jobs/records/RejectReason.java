package io.flowcast.jobs.records;

/**
 * Why a record was sent to {@code dead-letters}: {@link #code()} is the dead letter's {@code reason}.
 * The codes are part of the topic's contract (docs/records.md): consumers group and alert on them,
 * so they never change once published. The first six come from parsing, the next two from the
 * per-series forecaster, the last from the model stream.
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
    /** Not the configured number of features. */
    FEATURE_COUNT("feature-count"),
    /** Older than the series' last processed event. */
    LATE("late"),
    /** Same event time as the series' last processed event; the first one stays. */
    DUPLICATE("duplicate"),
    /** A record on the {@code models} topic whose payload is not a model this build can serve. */
    BAD_MODEL("bad-model");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable short code written to the dead letter's {@code reason}. */
    public String code() {
        return code;
    }
}
