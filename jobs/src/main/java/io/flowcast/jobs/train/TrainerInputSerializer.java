package io.flowcast.jobs.train;

import io.flowcast.jobs.records.ImmutableValueSerializer;
import io.flowcast.jobs.records.Strings;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link TrainerInput} field by field: model, series, time, step, then a flag and the window
 * ({@link TrainingWindowSerializer}) if there is one. Immutable values.
 */
public final class TrainerInputSerializer extends ImmutableValueSerializer<TrainerInput> {

    private static final long serialVersionUID = 1L;

    public static final TrainerInputSerializer INSTANCE = new TrainerInputSerializer();

    @Override
    public void serialize(TrainerInput r, DataOutputView out) throws IOException {
        Strings.write(r.model(), out);
        Strings.write(r.series(), out);
        out.writeLong(r.time());
        out.writeLong(r.stepMillis());
        out.writeBoolean(r.window() != null);
        if (r.window() != null) {
            TrainingWindowSerializer.INSTANCE.serialize(r.window(), out);
        }
    }

    @Override
    public TrainerInput deserialize(DataInputView in) throws IOException {
        String model = Strings.read(in);
        String series = Strings.read(in);
        long time = in.readLong();
        long step = in.readLong();
        return new TrainerInput(model, series, time, step,
                in.readBoolean() ? TrainingWindowSerializer.INSTANCE.deserialize(in) : null);
    }

    @Override
    public TypeSerializerSnapshot<TrainerInput> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** Format 1; restored as the singleton. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrainerInput> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
