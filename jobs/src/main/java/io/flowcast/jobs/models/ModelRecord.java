package io.flowcast.jobs.models;

import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import java.io.Serializable;
import java.util.Objects;

/**
 * One published model version as it travels: the {@code models} topic's record (key = {@link #name},
 * value = {@link #payload}) and the element of the broadcast stream into the forecaster. The payload
 * is {@link ServingModelFormat} bytes; {@link #version} and {@link #trainedUpTo} repeat what is
 * inside so that routing and logging never need to parse it.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), so no Kryo; {@link Serializable} so a job graph
 * can carry preloaded models.
 */
public class ModelRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The model's name: which series it serves (see {@link ModelNames}). */
    public String name;
    /** 1, 2, ... in publication order. */
    public long version;
    /** Event time (epoch ms) of the newest data the model saw: it serves events after it. */
    public long trainedUpTo;
    /** {@link ServingModelFormat} bytes. */
    public byte[] payload;

    public ModelRecord() {
    }

    public ModelRecord(String name, long version, long trainedUpTo, byte[] payload) {
        this.name = name;
        this.version = version;
        this.trainedUpTo = trainedUpTo;
        this.payload = payload;
    }

    public static ModelRecord of(ServingModel model) {
        return new ModelRecord(model.name(), model.version(), model.info().trainedUpTo(),
                ServingModelFormat.toBytes(model));
    }

    /**
     * This record with the fit's wall time ({@code trainingMillis}) set to 0: the one field that
     * differs between two runs of the same training. The backtest keeps its records this way so
     * that identical runs give identical bytes.
     */
    public ModelRecord withoutWallTime() {
        try {
            ServingModel m = parse();
            ServingModel.Info i = m.info();
            return of(new ServingModel(m.name(), m.version(), m.shape(), m.net(), m.baseline(), m.residualQuantiles(),
                    new ServingModel.Info(i.trainedUpTo(), i.samples(), i.validationLoss(),
                    i.baselineLoss(), 0)));
        } catch (ModelFormatException e) {
            throw new IllegalStateException("not a model record: " + this, e);
        }
    }

    /** The model inside; a payload that does not parse, or disagrees with the header fields, is refused. */
    public ServingModel parse() throws ModelFormatException {
        ServingModel m = ServingModelFormat.fromBytes(payload);
        if (!m.name().equals(name) || m.version() != version || m.info().trainedUpTo() != trainedUpTo) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, "record says " + name + " v"
                    + version + " trained up to " + trainedUpTo + ", its payload " + m.name() + " v" + m.version()
                    + " trained up to " + m.info().trainedUpTo());
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRecord r && version == r.version && trainedUpTo == r.trainedUpTo
                && Objects.equals(name, r.name) && java.util.Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, trainedUpTo);
    }

    @Override
    public String toString() {
        return "ModelRecord{" + name + " v" + version + ", trainedUpTo=" + trainedUpTo + ", "
                + (payload == null ? 0 : payload.length) + " bytes}";
    }
}
