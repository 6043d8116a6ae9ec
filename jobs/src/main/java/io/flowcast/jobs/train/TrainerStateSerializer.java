package io.flowcast.jobs.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link TrainerState}, so keyed state never falls back to Kryo. Format 1 (see
 * {@link TrainerStateSerializerSnapshot}):
 * <pre>
 *   long stepMillis (0: not known yet), long fedUpTo
 *   int n, then n waiting points: UTF model, UTF series, long time, float value
 *   int length (-1: no retrainer yet), then byte[length]: Retrainer.writeTo (itself versioned)
 * </pre>
 * The retrainer is kept as bytes on reading and built with the current recipe when first used, so
 * the serializer needs no settings and a restore under changed settings (say, another learning rate)
 * trains on with them.
 */
public final class TrainerStateSerializer extends TypeSerializer<TrainerState> {

    private static final long serialVersionUID = 1L;

    public static final TrainerStateSerializer INSTANCE = new TrainerStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<TrainerState> duplicate() {
        return this;
    }

    @Override
    public TrainerState createInstance() {
        return new TrainerState();
    }

    @Override
    public TrainerState copy(TrainerState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(1 << 16);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("copying trainer state", e);
        }
    }

    @Override
    public TrainerState copy(TrainerState from, TrainerState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TrainerState s, DataOutputView out) throws IOException {
        out.writeLong(s.stepMillis);
        out.writeLong(s.fedUpTo);
        out.writeInt(s.waiting.size());
        for (TrainingPoint p : s.waiting) {
            out.writeUTF(p.model);
            out.writeUTF(p.series);
            out.writeLong(p.time);
            out.writeFloat(p.value);
        }
        byte[] retrainer = s.retrainerBytes();
        out.writeInt(retrainer == null ? -1 : retrainer.length);
        if (retrainer != null) {
            out.write(retrainer);
        }
    }

    @Override
    public TrainerState deserialize(DataInputView in) throws IOException {
        long stepMillis = in.readLong();
        long fedUpTo = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > (1 << 26)) {
            throw new IOException("corrupt trainer state: " + n + " waiting points");
        }
        List<TrainingPoint> waiting = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            waiting.add(new TrainingPoint(in.readUTF(), in.readUTF(), in.readLong(), in.readFloat()));
        }
        int length = in.readInt();
        byte[] retrainer = null;
        if (length >= 0) {
            retrainer = new byte[length];
            in.readFully(retrainer);
        }
        return TrainerState.restore(stepMillis, fedUpTo, waiting, retrainer);
    }

    @Override
    public TrainerState deserialize(TrainerState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainerStateSerializer;
    }

    @Override
    public int hashCode() {
        return TrainerStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<TrainerState> snapshotConfiguration() {
        return new TrainerStateSerializerSnapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
