package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.RejectReason;
import io.flowcast.model.io.ModelFormatException;
import java.util.Base64;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each record of the model stream before it is broadcast to the forecasters: a record whose
 * payload does not parse ({@link ModelRecord#parse()} throws) is rejected, with a WARN log naming the
 * problem, the metric {@code modelsRejected} and a dead letter {@code bad-model} (topic {@code models},
 * the payload in {@code rawBase64}); the models already serving stay. Good records pass unchanged.
 */
public final class ParseModels extends ProcessFunction<ModelRecord, ModelRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseModels.class);

    /** Model records that were rejected. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("model-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The {@code topic} of a rejected model's dead letter. */
    public static final String TOPIC = "models";

    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        rejected = getRuntimeContext().getMetricGroup().counter("modelsRejected");
    }

    @Override
    public void processElement(ModelRecord r, Context ctx, Collector<ModelRecord> out) {
        String problem = problem(r);
        if (problem == null) {
            out.collect(r);
            return;
        }
        String detail = "model record " + r.name + " v" + r.version + " rejected: " + problem;
        LOG.warn("{}; the models serving now stay", detail);
        rejected.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(r.payload == null ? null : Base64.getEncoder().encodeToString(r.payload),
                TOPIC, -1, -1, RejectReason.BAD_MODEL.code(), detail));
    }

    /** Why a record cannot be served; null if it can. */
    static String problem(ModelRecord r) {
        if (r.name == null || r.name.isEmpty()) {
            return "no model name (record key)";
        }
        try {
            r.parse();
            return null;
        } catch (ModelFormatException | RuntimeException e) {
            return describe(e);
        }
    }

    /** A parse failure for a person: the format's problem code and message, or (a payload that parses into an invalid model) the exception. */
    static String describe(Exception e) {
        return e instanceof ModelFormatException m ? m.problem() + ": " + m.getMessage() : e.toString();
    }
}
