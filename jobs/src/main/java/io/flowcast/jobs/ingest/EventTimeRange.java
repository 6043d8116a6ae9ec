package io.flowcast.jobs.ingest;

import java.time.Instant;

/**
 * The event times the job accepts: instants in the years 0001 to 9999 UTC, the years ISO-8601 writes
 * with four digits. Anything else is a {@code bad-time} dead letter. Far enough inside {@code long}
 * that differences of two accepted times never overflow (the forecaster's gaps, the trainer's step
 * detection), and excluding {@link Long#MIN_VALUE}, which the forecaster uses for "no event yet".
 */
public final class EventTimeRange {

    /** 0001-01-01T00:00:00Z in epoch milliseconds. */
    public static final long MIN_MILLIS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    /** 9999-12-31T23:59:59.999Z in epoch milliseconds. */
    public static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private EventTimeRange() {
    }

    public static boolean contains(long epochMillis) {
        return epochMillis >= MIN_MILLIS && epochMillis <= MAX_MILLIS;
    }

    /** The range as people read it, for dead-letter details. */
    static String describe() {
        return Instant.ofEpochMilli(MIN_MILLIS) + ".." + Instant.ofEpochMilli(MAX_MILLIS);
    }
}
