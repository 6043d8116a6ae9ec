package io.flowcast.jobs.train;

import io.flowcast.jobs.records.ImmutableValueSerializer;
import io.flowcast.jobs.records.Strings;
import io.flowcast.model.online.TrainingWindow;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link TrainingWindow} field by field (never Kryo): key, time, then the three float arrays,
 * each with its length. Immutable values: copies are the same object.
 */
public final class TrainingWindowSerializer extends ImmutableValueSerializer<TrainingWindow> {

    private static final long serialVersionUID = 1L;

    public static final TrainingWindowSerializer INSTANCE = new TrainingWindowSerializer();

    /** Longest float array a window may claim (a corrupt length must not allocate gigabytes). */
    private static final int MAX_FLOATS = 1 << 22;

    @Override
    public void serialize(TrainingWindow w, DataOutputView out) throws IOException {
        Strings.write(w.key(), out);
        out.writeLong(w.time());
        writeFloats(w.inputs(), out);
        writeFloats(w.targets(), out);
        writeFloats(w.baselines(), out);
    }

    @Override
    public TrainingWindow deserialize(DataInputView in) throws IOException {
        String key = Strings.read(in);
        long time = in.readLong();
        return new TrainingWindow(key, time, readFloats(in), readFloats(in), readFloats(in));
    }

    private static void writeFloats(float[] values, DataOutputView out) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FLOATS) {
            throw new IOException("corrupt training window: an array of " + n + " floats");
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    @Override
    public TypeSerializerSnapshot<TrainingWindow> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** Format 1; restored as the singleton. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrainingWindow> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
