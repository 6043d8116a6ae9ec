package io.flowcast.jobs.ingest;

import io.flowcast.jobs.records.Observation;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for observations: the timestamp the observation carries ({@code ts}), not the Kafka
 * record's, because the feeder (or any producer) may replay history. Watermarks trail the highest
 * time seen by a bounded out-of-orderness; a source subtask that sees no data for the idleness
 * timeout stops holding the watermark back.
 *
 * <p>Watermarks are generated after parsing (parsing must not fail in the source), so one generator
 * covers all partitions a source subtask reads: the out-of-orderness must also cover the skew
 * between those partitions.
 *
 * <p>Only accepted observations get here: times in {@link EventTimeRange} and no further ahead of the
 * wall clock than {@link FutureTimeRule} allows, so one far-future event cannot drag the watermark
 * (and every event-time timer behind it) years ahead.
 */
public final class ObservationWatermarks {

    private ObservationWatermarks() {
    }

    /** @param idleness zero turns idleness detection off */
    public static WatermarkStrategy<Observation> strategy(Duration maxOutOfOrderness, Duration idleness) {
        WatermarkStrategy<Observation> strategy = WatermarkStrategy
                .<Observation>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((observation, recordTimestamp) -> observation.timestamp);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }
}
