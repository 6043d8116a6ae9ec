package io.flowcast.model.features;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Daily and weekly position of a timestamp as four floats, so a network sees that 23:59 is next to
 * 00:00 and Sunday next to Monday. Written at {@code out[offset..offset+4)}:
 *
 * <ol>
 *   <li>{@code sin(2π·d)}, 2. {@code cos(2π·d)} with {@code d} = fraction of the day = time since
 *       local midnight / 24 h (milliseconds since midnight / 86 400 000, so in [0, 1));
 *   <li value="3">{@code sin(2π·w/7)}, 4. {@code cos(2π·w/7)} with {@code w} = local day of week,
 *       Monday = 0 … Sunday = 6.
 * </ol>
 *
 * <p>"Local" is wall-clock time in the zone (UTC by default): on a daylight-saving day 03:30 gives
 * {@code d = 3.5/24} however many hours have elapsed since midnight, because the patterns these
 * features describe (people's days) follow the wall clock.
 *
 * <p><b>Allocation.</b> The UTC offset is cached with the interval over which it holds (between
 * two of the zone's transitions), so UTC, fixed-offset zones, and any zone between its transitions
 * compute from epoch arithmetic without allocating. Crossing a transition (twice a year in DST zones)
 * or jumping out of the cached interval asks the zone's {@link ZoneRules} again, which allocates a
 * few small objects.
 *
 * <p>Mutable cache, so not thread-safe: one instance per operator instance.
 */
public final class CalendarFeatures {

    /** Floats written per timestamp. */
    public static final int SIZE = 4;

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 1970-01-01 was a Thursday: day 3 counting Monday as 0. */
    private static final int EPOCH_DAY_OF_WEEK = 3;
    private static final double TWO_PI = 2 * Math.PI;

    private final ZoneId zone;
    private final ZoneRules rules;
    /** The offset {@link #cachedOffsetMillis} holds for instants in [cachedFrom, cachedUntil). */
    private long cachedFrom = 1;
    private long cachedUntil = 0;
    private long cachedOffsetMillis;

    /** Calendar features in UTC. */
    public CalendarFeatures() {
        this(ZoneOffset.UTC);
    }

    public CalendarFeatures(ZoneId zone) {
        this.zone = zone;
        this.rules = zone.getRules();
        if (rules.isFixedOffset()) {
            cachedFrom = Long.MIN_VALUE;
            cachedUntil = Long.MAX_VALUE;
            cachedOffsetMillis = rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L;
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /** Writes the four features of {@code epochMillis} at {@code out[offset..offset+4)}. */
    public void write(long epochMillis, float[] out, int offset) {
        if (offset < 0 || offset > out.length - SIZE) {
            throw new IllegalArgumentException("need " + SIZE + " floats from offset " + offset
                    + ", array has " + out.length);
        }
        long local = Math.addExact(epochMillis, offsetMillis(epochMillis));
        long epochDay = Math.floorDiv(local, MILLIS_PER_DAY);
        double dayAngle = TWO_PI * Math.floorMod(local, MILLIS_PER_DAY) / MILLIS_PER_DAY;
        double weekAngle = TWO_PI * Math.floorMod(epochDay + EPOCH_DAY_OF_WEEK, 7) / 7;
        out[offset] = (float) Math.sin(dayAngle);
        out[offset + 1] = (float) Math.cos(dayAngle);
        out[offset + 2] = (float) Math.sin(weekAngle);
        out[offset + 3] = (float) Math.cos(weekAngle);
    }

    private long offsetMillis(long epochMillis) {
        if (epochMillis < cachedFrom || epochMillis >= cachedUntil) {
            refresh(epochMillis);
        }
        return cachedOffsetMillis;
    }

    private void refresh(long epochMillis) {
        Instant at = Instant.ofEpochMilli(epochMillis);
        cachedOffsetMillis = rules.getOffset(at).getTotalSeconds() * 1000L;
        // previousTransition(t) returns the last transition strictly before t; asking 1 ms later
        // includes a transition at exactly epochMillis.
        ZoneOffsetTransition previous = epochMillis == Long.MAX_VALUE
                ? null : rules.previousTransition(Instant.ofEpochMilli(epochMillis + 1));
        ZoneOffsetTransition next = rules.nextTransition(at);
        cachedFrom = previous == null ? Long.MIN_VALUE : previous.getInstant().toEpochMilli();
        cachedUntil = next == null ? Long.MAX_VALUE : next.getInstant().toEpochMilli();
    }

    @Override
    public String toString() {
        return "CalendarFeatures{zone=" + zone + ", size=" + SIZE + "}";
    }
}
