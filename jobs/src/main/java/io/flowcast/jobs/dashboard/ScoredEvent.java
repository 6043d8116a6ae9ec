package io.flowcast.jobs.dashboard;

/**
 * What the chart needs of a horizon-1 error record, held for every drawn event: a few floats instead
 * of the whole record, since the view holds one per point of every series.
 *
 * @param actual the value observed at the event (NaN if none)
 * @param anomalyLow the band the actual was judged against (NaN if none)
 * @param inside whether the actual fell inside p10..p90; null without a band
 */
record ScoredEvent(long targetTime, float actual, float anomalyLow, float anomalyHigh, Boolean inside) {

    static ScoredEvent of(ErrorPoint e) {
        return new ScoredEvent(e.targetTime(), (float) e.actual(), (float) e.anomalyLow(), (float) e.anomalyHigh(),
                e.inside());
    }
}
