package io.flowcast.jobs.forecast;

import java.time.Duration;

/**
 * The idle-series rule every keyed operator of a series applies (the forecaster, the scorer): a series
 * whose last event the watermark passed by the TTL is cleared.
 */
public final class SeriesExpiry {

    private SeriesExpiry() {
    }

    /** When a series last seen at {@code lastEventTime} expires (saturating: a time near the end of time never wraps). */
    public static long deadline(long lastEventTime, Duration ttl) {
        long millis = ttl.toMillis();
        return lastEventTime > Long.MAX_VALUE - millis ? Long.MAX_VALUE : lastEventTime + millis;
    }
}
