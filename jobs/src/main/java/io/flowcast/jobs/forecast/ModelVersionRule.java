package io.flowcast.jobs.forecast;

import java.time.Duration;
import java.time.Instant;

/**
 * Which version number and {@code trainedUpTo} a record on the model stream may claim. The newest
 * version whose {@code trainedUpTo} an event has passed serves it, so without a bound one record
 * claiming version {@link Long#MAX_VALUE} would serve ahead of every later real version, forever; and
 * anyone who can write to the topic can send anything.
 *
 * <ul>
 *   <li><b>Version</b>: from 1 to {@value #MAX_VERSION}, and at most {@value #MAX_VERSION_STEP} above the
 *       newest version held for the name. The trainer counts its versions up by one, so a real gap is
 *       only the versions published while the forecaster was not reading; a claim further ahead is
 *       refused. With no version held (a first start on a compacted topic sees only the newest record
 *       of each name, whatever its number) only the absolute bound applies.
 *   <li><b>trainedUpTo</b>: an instant within ISO-8601's four-digit years (0000-01-01 to 9999-12-31,
 *       UTC) and no more than {@link #MAX_TRAINED_AHEAD} (366 days) ahead of the wall clock, as a model
 *       is trained on data already seen. {@link Long#MIN_VALUE} is also taken: a model trained on no
 *       dated data, serving every event (benchmarks and tests publish such models). A record judged
 *       later (a replay after a restore) is judged against a later clock, so a record once taken is
 *       never refused on replay.
 * </ul>
 *
 * <p>The rule reads only the record and the versions held, which every forecaster subtask holds alike
 * (they all receive the same broadcast records), so all subtasks take and refuse the same records
 * (the wall clock aside, within the milliseconds between subtasks, a year away from any real model).
 */
final class ModelVersionRule {

    /** Largest version a record may claim: a version an int counts to. */
    static final long MAX_VERSION = Integer.MAX_VALUE;
    /** Largest step above the newest version held for the record's name. */
    static final long MAX_VERSION_STEP = 1000;
    /** 0000-01-01T00:00:00Z. */
    static final long MIN_TRAINED_UP_TO = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    /** 9999-12-31T23:59:59.999Z. */
    static final long MAX_TRAINED_UP_TO = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    /** How far ahead of the wall clock {@code trainedUpTo} may lie (time zones, clock skew, and more). */
    static final Duration MAX_TRAINED_AHEAD = Duration.ofDays(366);

    private ModelVersionRule() {
    }

    /**
     * Why a record may not claim {@code version} and {@code trainedUpTo}; null if it may.
     *
     * @param newestHeld the newest version held for the record's name; 0 if none
     * @param nowMillis  the wall clock, epoch ms
     */
    static String problem(long version, long trainedUpTo, long newestHeld, long nowMillis) {
        if (version < 1 || version > MAX_VERSION) {
            return "version " + version + " is outside 1.." + MAX_VERSION;
        }
        if (newestHeld > 0 && version - newestHeld > MAX_VERSION_STEP) {
            return "version " + version + " is more than " + MAX_VERSION_STEP + " above the newest version held, "
                    + newestHeld;
        }
        if (trainedUpTo == Long.MIN_VALUE) {
            return null;
        }
        if (trainedUpTo < MIN_TRAINED_UP_TO || trainedUpTo > MAX_TRAINED_UP_TO) {
            return "trainedUpTo " + trainedUpTo + " ms is outside the years 0000 to 9999";
        }
        long latest = nowMillis + MAX_TRAINED_AHEAD.toMillis();
        if (trainedUpTo > latest) {
            return "trainedUpTo " + Instant.ofEpochMilli(trainedUpTo) + " is more than " + MAX_TRAINED_AHEAD.toDays()
                    + " days ahead of the clock (" + Instant.ofEpochMilli(nowMillis) + ")";
        }
        return null;
    }
}
