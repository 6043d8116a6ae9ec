package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.models.ModelRecordLimits;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import java.nio.charset.StandardCharsets;

/**
 * What the forecaster does with a record of the model stream, decided before anything is held or
 * stored in broadcast state. Anyone who can write to the {@code models} topic can send anything, so a
 * record is taken only if, in this order:
 *
 * <ol>
 *   <li>it has a key (the model's name, at most {@link ServingModelFormat#MAX_NAME_BYTES} bytes) and a
 *       payload of at most
 *       {@link ModelRecordLimits#MAX_RECORD_BYTES} (a tombstone has none);
 *   <li>the payload decodes ({@code ServingModelFormat}: magic, format version, length, checksum, every
 *       field, finite weights and coefficients) and says what the key and headers say (name, version,
 *       trainedUpTo);
 *   <li>the model fits this forecaster ({@link ModelServingFit}: name, horizon, net input width,
 *       window, seasons, history length);
 *   <li>its version and trainedUpTo are within {@link ModelVersionRule}.
 * </ol>
 *
 * A record that fails is {@link Verdict.Kind#REJECTED}: the forecaster logs a WARN naming the problem,
 * counts {@code modelsRejected} and writes a dead letter {@code bad-model} (topic {@value #TOPIC}, the
 * payload in {@code rawBase64}), and the models held stay. A record that passes but whose version is
 * already held is {@link Verdict.Kind#HELD} (a replay: nothing changes); one older than the newest
 * version held is {@link Verdict.Kind#STALE} and is not taken either, so a late or replayed older version
 * never serves ahead of, nor beside (in the ensemble), the newer one.
 */
public final class ModelRecordCheck {

    /** The {@code topic} of a rejected model's dead letter. */
    public static final String TOPIC = "models";

    private final ModelServingFit fit;

    ModelRecordCheck(ForecastSettings settings) {
        this.fit = new ModelServingFit(settings);
    }

    /** What to do with a record; never throws. */
    record Verdict(Kind kind, ServingModel model, String problem) {

        enum Kind { TAKE, HELD, STALE, REJECTED }

        static Verdict rejected(String problem) {
            return new Verdict(Kind.REJECTED, null, problem);
        }
    }

    /**
     * @param held      the versions held for the record's name; null if none
     * @param nowMillis the wall clock (see {@link ModelVersionRule})
     */
    Verdict check(ModelRecord r, ModelTimeline held, long nowMillis) {
        ServingModel m;
        try {
            m = decode(r);
        } catch (ModelFormatException e) {
            return Verdict.rejected(e.problem() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return Verdict.rejected("invalid model record: " + e);
        }
        String problem = fit.problem(m);
        if (problem == null) {
            problem = ModelVersionRule.problem(m.version(), m.info().trainedUpTo(),
                    held == null ? 0 : held.newestVersion(), nowMillis);
        }
        if (problem != null) {
            return Verdict.rejected(problem);
        }
        if (held != null && held.holds(m.version())) {
            return new Verdict(Verdict.Kind.HELD, m, null);
        }
        if (held != null && m.version() < held.newestVersion()) {
            return new Verdict(Verdict.Kind.STALE, m, null);
        }
        return new Verdict(Verdict.Kind.TAKE, m, null);
    }

    /**
     * A model held from the start or restored from broadcast state: it must decode and fit this
     * forecaster (settings may have changed since it was stored); its version is not judged, as these
     * come in no particular order. Throws saying why not.
     */
    ServingModel checkHeld(ModelRecord r) throws ModelFormatException {
        ServingModel m = decode(r);
        String problem = fit.problem(m);
        if (problem != null) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, problem);
        }
        return m;
    }

    private static ServingModel decode(ModelRecord r) throws ModelFormatException {
        if (r.name == null || r.name.isEmpty()) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, "no model name (record key)");
        }
        if (r.name.length() > ServingModelFormat.MAX_NAME_BYTES
                || r.name.getBytes(StandardCharsets.UTF_8).length > ServingModelFormat.MAX_NAME_BYTES) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, "model name (record key) of "
                    + r.name.length() + " characters, at most " + ServingModelFormat.MAX_NAME_BYTES + " bytes");
        }
        if (r.payload == null) {
            throw new ModelFormatException(ModelFormatException.Problem.TRUNCATED,
                    "no payload (a tombstone: a model is replaced by a newer version, never deleted)");
        }
        if (ModelRecordLimits.recordBytes(r) > ModelRecordLimits.MAX_RECORD_BYTES) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, "record of "
                    + ModelRecordLimits.recordBytes(r) + " bytes, above the models topic's limit of "
                    + ModelRecordLimits.MAX_RECORD_BYTES);
        }
        return r.parse();
    }
}
