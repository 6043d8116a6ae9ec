package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.io.ModelFormatException;

/**
 * Whether a record of the model stream can be served, and why not. The forecaster checks each
 * record it receives once, as it decodes it for serving (decoding it once more before the broadcast
 * would only decode every record twice); a record that fails is rejected with a WARN log naming the
 * problem, the metric {@code modelsRejected} and a dead letter {@code bad-model} (topic
 * {@value #TOPIC}, the payload in {@code rawBase64}), and the models already serving stay.
 */
public final class ModelRecordCheck {

    /** The {@code topic} of a rejected model's dead letter. */
    public static final String TOPIC = "models";

    private ModelRecordCheck() {
    }

    /** Why a record cannot be served; null if it can. */
    static String problem(ModelRecord r) {
        try {
            parse(r);
            return null;
        } catch (ModelFormatException | RuntimeException e) {
            return describe(e);
        }
    }

    /** The model a record carries, checked; throws saying why it cannot be served. */
    static io.flowcast.model.online.ServingModel parse(ModelRecord r) throws ModelFormatException {
        if (r.name == null || r.name.isEmpty()) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, "no model name (record key)");
        }
        return r.parse();
    }

    /** A parse failure for a person: the format's problem code and message, or (a payload that parses into an invalid model) the exception. */
    static String describe(Exception e) {
        return e instanceof ModelFormatException m ? m.problem() + ": " + m.getMessage() : e.toString();
    }
}
