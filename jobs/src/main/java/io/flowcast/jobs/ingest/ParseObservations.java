package io.flowcast.jobs.ingest;

import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.records.RejectReason;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw Kafka records: good ones go on as {@link Observation}s, every bad one
 * goes to the {@link #DEAD_LETTERS} side output with (at most 64 KiB of) its raw bytes, coordinates and
 * reason. Nothing is dropped and nothing here can fail the job. The rules are {@link ObservationParser}'s,
 * then {@link FutureTimeRule} against this task's wall clock, so a far-future event never reaches the
 * watermark generator downstream. Counters: {@code observationsAccepted}, {@code observationsRejected},
 * and {@code deadLetters} per {@code reason}.
 */
public final class ParseObservations extends ProcessFunction<RawKafkaRecord, Observation> {

    private static final long serialVersionUID = 1L;

    /** Records rejected by validation, ready for the {@code dead-letters} topic. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** The reasons this stage raises, each with its own counter. */
    static final Set<RejectReason> REASONS = EnumSet.of(RejectReason.NOT_JSON, RejectReason.NO_KEY, RejectReason.BAD_KEY,
            RejectReason.BAD_TIME, RejectReason.FUTURE_TIME, RejectReason.NO_VALUE, RejectReason.BAD_VALUE,
            RejectReason.FEATURE_COUNT);

    private final ObservationParser parser;
    private final FutureTimeRule futureTime;
    private transient Counter accepted;
    private transient Counter rejected;
    private transient Map<RejectReason, Counter> rejectedByReason;

    /** With the default {@link FutureTimeRule#DEFAULT_MAX_AHEAD}. */
    public ParseObservations(ObservationParser parser) {
        this(parser, new FutureTimeRule(FutureTimeRule.DEFAULT_MAX_AHEAD));
    }

    public ParseObservations(ObservationParser parser, FutureTimeRule futureTime) {
        this.parser = parser;
        this.futureTime = futureTime;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup group = getRuntimeContext().getMetricGroup();
        accepted = group.counter("observationsAccepted");
        rejected = group.counter("observationsRejected");
        rejectedByReason = new EnumMap<>(RejectReason.class);
        for (RejectReason r : REASONS) {
            rejectedByReason.put(r, group.addGroup("reason", r.code()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(RawKafkaRecord record, Context ctx, Collector<Observation> out) {
        ParseResult result = parser.parse(record.value, record.key);
        if (result instanceof ParseResult.Accepted ok) {
            ParseResult.Rejected tooFarAhead = futureTime.check(ok.observation(), ctx.timerService().currentProcessingTime());
            if (tooFarAhead == null) {
                accepted.inc();
                out.collect(ok.observation());
                return;
            }
            result = tooFarAhead;
        }
        ParseResult.Rejected bad = (ParseResult.Rejected) result;
        rejected.inc();
        Counter byReason = rejectedByReason.get(bad.reason());
        if (byReason != null) {
            byReason.inc();
        }
        ctx.output(DEAD_LETTERS, deadLetter(record, bad));
    }

    static DeadLetter deadLetter(RawKafkaRecord record, ParseResult.Rejected why) {
        return DeadLetter.of(record.value, record.topic, record.partition, record.offset, why.reason().code(), why.detail());
    }
}
