package io.flowcast.jobs.ingest;

import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import java.util.Base64;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw Kafka records: good ones go on as {@link Observation}s, every bad one
 * goes to the {@link #DEAD_LETTERS} side output with its raw bytes, coordinates and reason. Nothing
 * is dropped and nothing here can fail the job.
 */
public final class ParseObservations extends ProcessFunction<RawKafkaRecord, Observation> {

    private static final long serialVersionUID = 1L;

    /** Records rejected by validation, ready for the {@code dead-letters} topic. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final ObservationParser parser;
    private transient Counter accepted;
    private transient Counter rejected;

    public ParseObservations(ObservationParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        accepted = getRuntimeContext().getMetricGroup().counter("observationsAccepted");
        rejected = getRuntimeContext().getMetricGroup().counter("observationsRejected");
    }

    @Override
    public void processElement(RawKafkaRecord record, Context ctx, Collector<Observation> out) {
        ParseResult result = parser.parse(record.value, record.key);
        if (result instanceof ParseResult.Accepted ok) {
            accepted.inc();
            out.collect(ok.observation());
        } else if (result instanceof ParseResult.Rejected bad) {
            rejected.inc();
            ctx.output(DEAD_LETTERS, deadLetter(record, bad));
        }
    }

    static DeadLetter deadLetter(RawKafkaRecord record, ParseResult.Rejected why) {
        String raw = record.value == null ? null : Base64.getEncoder().encodeToString(record.value);
        return new DeadLetter(raw, record.topic, record.partition, record.offset, why.reason().code(), why.detail());
    }
}
