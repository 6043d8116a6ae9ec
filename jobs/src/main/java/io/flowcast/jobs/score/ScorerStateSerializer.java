package io.flowcast.jobs.score;

import io.flowcast.jobs.records.BulkFloats;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@link ScorerState}, format 1: times, steps, last finite value; the ring's length and each slot
 * (a presence flag, then origin, version, persistence, the values and, behind a flag, p10 and p90);
 * the number of horizons and each {@link ErrorWindow} (capacity, count, next, then the held slots' model errors, persistence errors and actuals, each array in one
 * write, and their band flags). Sizes are
 * written, so a state written under other settings reads back as written. The state is mutable, so
 * {@link #copy} is a deep copy.
 */
public final class ScorerStateSerializer extends TypeSerializer<ScorerState> {

    private static final long serialVersionUID = 1L;

    public static final ScorerStateSerializer INSTANCE = new ScorerStateSerializer();

    /** Longest array read back: a corrupt length must not allocate gigabytes. */
    private static final int MAX_LENGTH = 1 << 20;

    @Override
    public void serialize(ScorerState s, DataOutputView out) throws IOException {
        out.writeLong(s.lastEventTime);
        out.writeLong(s.expiryTimer);
        out.writeLong(s.steps);
        out.writeFloat(s.lastFinite);
        out.writeInt(s.ring.length);
        for (HeldForecast f : s.ring) {
            out.writeBoolean(f != null);
            if (f != null) {
                out.writeLong(f.originTime());
                out.writeLong(f.modelVersion());
                out.writeFloat(f.persistence());
                writeFloats(f.values(), out);
                out.writeBoolean(f.p10() != null);
                if (f.p10() != null) {
                    writeFloats(f.p10(), out);
                    writeFloats(f.p90(), out);
                }
            }
        }
        out.writeInt(s.windows.length);
        for (ErrorWindow w : s.windows) {
            // Only the pairs held: until the ring is full they are its first count slots.
            out.writeInt(w.capacity());
            out.writeInt(w.count);
            out.writeInt(w.next);
            BulkFloats.write(out, w.model, 0, w.count);
            BulkFloats.write(out, w.persistence, 0, w.count);
            BulkFloats.write(out, w.actual, 0, w.count);
            out.write(w.band, 0, w.count);
        }
    }

    @Override
    public ScorerState deserialize(DataInputView in) throws IOException {
        long lastEventTime = in.readLong();
        long expiryTimer = in.readLong();
        long steps = in.readLong();
        float lastFinite = in.readFloat();
        HeldForecast[] ring = new HeldForecast[length(in)];
        for (int i = 0; i < ring.length; i++) {
            if (in.readBoolean()) {
                long origin = in.readLong();
                long version = in.readLong();
                float persistence = in.readFloat();
                float[] values = readFloats(in);
                boolean band = in.readBoolean();
                float[] p10 = band ? readFloats(in) : null;
                float[] p90 = band ? readFloats(in) : null;
                ring[i] = new HeldForecast(origin, version, persistence, values, p10, p90);
            }
        }
        ErrorWindow[] windows = new ErrorWindow[length(in)];
        for (int h = 0; h < windows.length; h++) {
            int capacity = length(in);
            int count = in.readInt();
            int next = in.readInt();
            if (count < 0 || count > capacity || next < 0 || (capacity > 0 && next >= capacity)) {
                throw new IOException("corrupt scorer state: window count " + count + ", next " + next
                        + ", capacity " + capacity);
            }
            ErrorWindow w = new ErrorWindow(capacity);
            BulkFloats.read(in, w.model, 0, count);
            BulkFloats.read(in, w.persistence, 0, count);
            BulkFloats.read(in, w.actual, 0, count);
            in.readFully(w.band, 0, count);
            w.count = count;
            w.next = next;
            windows[h] = w;
        }
        ScorerState s = new ScorerState(ring, windows);
        s.lastEventTime = lastEventTime;
        s.expiryTimer = expiryTimer;
        s.steps = steps;
        s.lastFinite = lastFinite;
        return s;
    }

    private static void writeFloats(float[] values, DataOutputView out) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        float[] values = new float[length(in)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    private static int length(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt scorer state: length " + n);
        }
        return n;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ScorerState> duplicate() {
        return this; // stateless
    }

    @Override
    public ScorerState createInstance() {
        return null;
    }

    @Override
    public ScorerState copy(ScorerState from) {
        return from == null ? null : from.copy();
    }

    @Override
    public ScorerState copy(ScorerState from, ScorerState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public ScorerState deserialize(ScorerState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScorerStateSerializer;
    }

    @Override
    public int hashCode() {
        return ScorerStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ScorerState> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** Format 1; restored as the singleton. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ScorerState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
