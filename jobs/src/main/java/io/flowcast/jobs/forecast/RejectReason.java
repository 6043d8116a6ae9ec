package io.flowcast.jobs.forecast;

/** Why the forecaster turned an event into a dead letter; {@link #code()} is the dead letter's reason. */
public enum RejectReason {
    /** Older than the series' last processed event. */
    LATE("late"),
    /** Same event time as the series' last processed event; the first one stays. */
    DUPLICATE("duplicate"),
    /** Not the configured number of values per event. */
    WRONG_WIDTH("wrong-width");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
