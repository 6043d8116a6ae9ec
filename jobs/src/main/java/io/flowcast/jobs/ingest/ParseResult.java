package io.flowcast.jobs.ingest;

import io.flowcast.jobs.records.RejectReason;
import io.flowcast.jobs.records.Observation;

/** What {@link ObservationParser} made of one record: an observation, or a reason to reject it. */
public sealed interface ParseResult {

    record Accepted(Observation observation) implements ParseResult {
    }

    /** {@code detail} says what exactly was wrong, for a person reading the dead letter. */
    record Rejected(RejectReason reason, String detail) implements ParseResult {
    }
}
