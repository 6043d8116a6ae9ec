package io.flowcast.jobs.ingest;

import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.records.RejectReason;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Refuses events further ahead of the wall clock than {@code maxAhead} ({@code --max-ahead}) as
 * {@code future-time}. Applied when parsing, before event time is assigned: one event from a producer
 * with a wrong clock (or a typo in the year) would otherwise become its series' last event, so that
 * every later event of the series is {@code late}, and once such events reach every partition the
 * watermark jumps ahead by years and fires every event-time timer. Replayed history is in the past and
 * never affected. Zero turns the rule off.
 */
public final class FutureTimeRule implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Generous for clock skew and time zones written as UTC, tight enough to keep a wrong year out. */
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofDays(1);

    private final Duration maxAhead;
    private final long maxAheadMillis;

    /** @param maxAhead how far an event may be ahead of the wall clock; zero: no limit */
    public FutureTimeRule(Duration maxAhead) {
        if (maxAhead.isNegative()) {
            throw new IllegalArgumentException("maxAhead must not be negative, got " + maxAhead);
        }
        this.maxAhead = maxAhead;
        this.maxAheadMillis = maxAhead.toMillis();
    }

    public Duration maxAhead() {
        return maxAhead;
    }

    /** Why {@code observation} is refused at wall-clock time {@code nowMillis}, or null if it may pass. */
    ParseResult.Rejected check(Observation observation, long nowMillis) {
        if (maxAheadMillis == 0) {
            return null;
        }
        long latest = nowMillis > Long.MAX_VALUE - maxAheadMillis ? Long.MAX_VALUE : nowMillis + maxAheadMillis;
        if (observation.timestamp <= latest) {
            return null;
        }
        return new ParseResult.Rejected(RejectReason.FUTURE_TIME, "\"ts\" " + observation.rawTimestamp + " is more than "
                + maxAhead + " (--max-ahead) ahead of the wall clock (" + Instant.ofEpochMilli(nowMillis) + ")");
    }
}
