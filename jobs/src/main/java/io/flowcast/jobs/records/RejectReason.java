package io.flowcast.jobs.records;

/**
 * Why a record was sent to {@code dead-letters}: {@link #code()} is the dead letter's {@code reason}.
 * The codes are part of the topic's contract (docs/records.md): consumers group and alert on them,
 * so they never change once published. Parsing raises {@code not-json} to {@code feature-count},
 * {@code bad-key} and {@code future-time}; the per-series forecaster {@code late} and {@code duplicate}
 * (and {@code feature-count} for an event that reaches it with the wrong count); the model stream
 * {@code bad-model}. New codes are appended: nothing depends on the order, but it keeps diffs small.
 */
public enum RejectReason {
    /** The value is not a JSON object (not JSON at all, empty, a tombstone, an array, trailing garbage). */
    NOT_JSON("not-json"),
    /** Neither a non-blank string {@code "key"} in the JSON nor a non-blank Kafka record key. */
    NO_KEY("no-key"),
    /**
     * {@code "ts"} missing, neither an ISO-8601 instant with zone nor integer epoch milliseconds, or an
     * instant outside years 0001..9999 UTC ({@code EventTimeRange}).
     */
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
    BAD_MODEL("bad-model"),
    /**
     * A series key that could not be kept apart from others or echoed safely: longer than the job's
     * maximum of UTF-8 bytes, a Kafka record key that is not valid UTF-8, or a JSON key with a lone
     * UTF-16 surrogate.
     */
    BAD_KEY("bad-key"),
    /**
     * An event time further ahead of the wall clock than the job allows ({@code --max-ahead}); rejected
     * before event time is assigned, so it moves neither its series nor the watermark.
     */
    FUTURE_TIME("future-time");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable short code written to the dead letter's {@code reason}. */
    public String code() {
        return code;
    }
}
