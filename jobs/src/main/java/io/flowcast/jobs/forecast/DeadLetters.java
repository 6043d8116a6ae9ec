package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.RejectReason;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import java.nio.charset.StandardCharsets;

/**
 * Dead letters for events the forecaster rejects. The operator no longer has the original bytes, so
 * the raw value is the event re-encoded as observation JSON ({@code key}, {@code ts}, {@code timestamp}
 * as it came, {@code values}), which can be replayed into the observations topic; {@code topic} names
 * the rejecting stage, partition and offset are -1.
 */
final class DeadLetters {

    /** The {@code topic} of dead letters raised by the forecaster. */
    static final String STAGE = "forecast";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {
    }

    static DeadLetter of(Observation obs, RejectReason reason, String detail) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", obs.key);
        node.put("ts", obs.timestamp);
        node.put("timestamp", obs.rawTimestamp);
        ArrayNode values = node.putArray("values");
        if (obs.values != null) {
            for (float v : obs.values) {
                values.add(v);
            }
        }
        return DeadLetter.of(node.toString().getBytes(StandardCharsets.UTF_8), STAGE, -1, -1, reason.code(), detail);
    }
}
