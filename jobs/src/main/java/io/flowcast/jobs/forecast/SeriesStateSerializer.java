package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.BulkFloats;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.online.SeriesBuffer;
import io.flowcast.model.online.ServingState;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link SeriesState} field by field, so keyed state never falls back to Kryo and the bytes
 * are the same on the heap and RocksDB backends. Format 3 (see {@link SeriesStateSerializerSnapshot}):
 * <pre>
 *   long lastEventTime, double typicalGapMillis
 *   live scaler: StreamingScaler.writeTo (int features = 1, double[5])
 *   history: int capacity, long count, float lastFinite,
 *            format 3: int held, then the held events oldest first: their times (if held > 0: byte 0 and
 *              long first, int[held - 1] gaps; or byte 1 and long[held] times, when a gap does not fit an
 *              int), float[held] observed, and float filled of the first (the others are the observed
 *              values filled forward, as the buffer built them)
 *            (format 2: slots 0..fill-1, fill = min(count, capacity), in the same three arrays)
 *   2 x recurrent slot: long version (-1: unused), int n (-1: no array), float[n]
 *   long stepMillis, long expiryTimer                                   (format 3; format 2 ends above)
 *   2 x slot domain: byte 0 (none) or 1 + StreamingScaler.writeTo        (format 3)
 * </pre>
 * Every length is in the stream. Only the filled part of the history is written. {@link #FORMAT_2}
 * reads the first release's format 2 (a series restored from it detects its step again and gets
 * its expiry timer at its next event); it is only ever used to restore.
 */
public final class SeriesStateSerializer extends TypeSerializer<SeriesState> {

    private static final long serialVersionUID = 1L;

    /** Stateless, so one shared instance serves every thread. */
    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer(SeriesStateSerializerSnapshot.FORMAT);

    /** Reads format 2, for a savepoint of the first release. */
    static final SeriesStateSerializer FORMAT_2 = new SeriesStateSerializer(2);

    /** Big-endian ints in a byte array: the order of {@link DataOutputView#writeInt}. */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int format;

    private SeriesStateSerializer(int format) {
        this.format = format;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<SeriesState> duplicate() {
        return this;
    }

    @Override
    public SeriesState createInstance() {
        return SeriesState.create(1);
    }

    @Override
    public SeriesState copy(SeriesState from) {
        return from.copy();
    }

    @Override
    public SeriesState copy(SeriesState from, SeriesState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeriesState s, DataOutputView out) throws IOException {
        out.writeLong(s.lastEventTime);
        out.writeDouble(s.typicalGapMillis);
        ServingState serving = s.serving;
        serving.liveScaler().writeTo(out);
        SeriesBuffer b = serving.buffer();
        if (format < 3) {
            throw new IllegalStateException("format " + format + " is read only, to restore older state");
        }
        out.writeInt(b.capacity());
        out.writeLong(b.count());
        out.writeFloat(b.lastFinite());
        out.writeInt(b.held());
        if (b.held() > 0) {
            // A series' history is most of its state, read and written at every event on RocksDB:
            // time gaps as ints and no filled values halve it.
            writeTimes(b, out);
            BulkFloats.write(out, b.observedSlots(), ringSlot(b.first(), b.capacity()), b.held());
            out.writeFloat(b.filled(b.first()));
        }
        for (int slot = 0; slot < ServingState.SLOTS; slot++) {
            out.writeLong(serving.version(slot));
            float[] state = serving.state(slot);
            if (state == null) {
                out.writeInt(-1);
                continue;
            }
            out.writeInt(state.length);
            BulkFloats.write(out, state, 0, state.length);
        }
        out.writeLong(s.stepMillis);
        out.writeLong(s.expiryTimer);
        for (int slot = 0; slot < ServingState.SLOTS; slot++) {
            StreamingScaler domain = serving.domain(slot);
            out.writeBoolean(domain != null);
            if (domain != null) {
                domain.writeTo(out);
            }
        }
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        long lastEventTime = in.readLong();
        double typicalGapMillis = in.readDouble();
        StreamingScaler live = StreamingScaler.readFrom(in);
        if (live.features() != 1) {
            throw new IOException("corrupt series state: the live scaler has " + live.features() + " features, not 1");
        }
        int capacity = checkedLength(in.readInt(), "history capacity");
        long count = in.readLong();
        if (capacity == 0 || count < 0) {
            throw new IOException("corrupt series state: history of capacity " + capacity + " holding " + count);
        }
        float lastFinite = in.readFloat();
        int held = (int) Math.min(count, capacity);
        long[] times = new long[capacity];
        float[] observed = new float[capacity];
        float[] filled = new float[capacity];
        if (format >= 3) {
            int written = in.readInt();
            if (written < 0 || written > held) {
                throw new IOException("corrupt series state: " + written + " events held of " + count
                        + " in a history of " + capacity);
            }
            held = written;
            if (held > 0) {
                int first = ringSlot(count - held, capacity);
                readTimes(in, times, first, held);
                BulkFloats.read(in, observed, first, held);
                float fill = in.readFloat();
                for (int i = 0, slot = first; i < held; i++, slot = slot + 1 == capacity ? 0 : slot + 1) {
                    fill = i == 0 || Float.isNaN(observed[slot]) ? fill : observed[slot];
                    filled[slot] = fill;
                }
            }
        } else {
            for (int i = 0; i < held; i++) {
                times[i] = in.readLong();
            }
            for (int i = 0; i < held; i++) {
                observed[i] = in.readFloat();
            }
            for (int i = 0; i < held; i++) {
                filled[i] = in.readFloat();
            }
        }
        float[][] states = new float[ServingState.SLOTS][];
        long[] versions = new long[ServingState.SLOTS];
        for (int slot = 0; slot < ServingState.SLOTS; slot++) {
            versions[slot] = in.readLong();
            int n = in.readInt();
            if (n == -1) {
                continue;
            }
            states[slot] = new float[checkedLength(n, "recurrent state")];
            BulkFloats.read(in, states[slot], 0, n);
        }
        SeriesBuffer buffer = SeriesBuffer.restore(count, held, lastFinite, times, observed, filled);
        long stepMillis = 0;
        long expiryTimer = Long.MIN_VALUE;
        StreamingScaler[] domains = new StreamingScaler[ServingState.SLOTS];
        if (format >= 3) {
            stepMillis = in.readLong();
            expiryTimer = in.readLong();
            for (int slot = 0; slot < ServingState.SLOTS; slot++) {
                domains[slot] = in.readBoolean() ? StreamingScaler.readFrom(in) : null;
            }
        }
        SeriesState s = new SeriesState(new ServingState(buffer, live, states, versions, domains));
        s.lastEventTime = lastEventTime;
        s.typicalGapMillis = typicalGapMillis;
        s.stepMillis = stepMillis;
        s.expiryTimer = expiryTimer;
        return s;
    }

    private static void writeTimes(SeriesBuffer b, DataOutputView out) throws IOException {
        long[] times = b.timestampSlots();
        int capacity = b.capacity();
        int first = ringSlot(b.first(), capacity);
        int held = b.held();
        boolean gapsFit = true;
        for (int i = 1, slot = first; i < held && gapsFit; i++) {
            int next = slot + 1 == capacity ? 0 : slot + 1;
            long gap = times[next] - times[slot];
            gapsFit = gap >= Integer.MIN_VALUE && gap <= Integer.MAX_VALUE && times[slot] + gap == times[next]; // no overflow
            slot = next;
        }
        out.writeByte(gapsFit ? 0 : 1);
        out.writeLong(times[first]);
        if (!gapsFit) {
            for (int i = 1, slot = first; i < held; i++) {
                slot = slot + 1 == capacity ? 0 : slot + 1;
                out.writeLong(times[slot]);
            }
            return;
        }
        byte[] bytes = new byte[4 * (held - 1)];
        for (int i = 1, slot = first; i < held; i++) {
            int next = slot + 1 == capacity ? 0 : slot + 1;
            INT.set(bytes, 4 * (i - 1), (int) (times[next] - times[slot]));
            slot = next;
        }
        out.write(bytes);
    }

    private static void readTimes(DataInputView in, long[] times, int first, int held) throws IOException {
        byte layout = in.readByte();
        if (layout != 0 && layout != 1) {
            throw new IOException("corrupt series state: time layout " + layout);
        }
        int capacity = times.length;
        long t = in.readLong();
        times[first] = t;
        if (layout == 1) {
            for (int i = 1, slot = first; i < held; i++) {
                slot = slot + 1 == capacity ? 0 : slot + 1;
                times[slot] = in.readLong();
            }
            return;
        }
        byte[] bytes = new byte[4 * (held - 1)];
        in.readFully(bytes);
        for (int i = 1, slot = first; i < held; i++) {
            slot = slot + 1 == capacity ? 0 : slot + 1;
            t += (int) INT.get(bytes, 4 * (i - 1));
            times[slot] = t;
        }
    }

    /** The slot of history index {@code index} in a ring of {@code capacity}. */
    private static int ringSlot(long index, int capacity) {
        return (int) (index % capacity);
    }

    private static int checkedLength(int n, String what) throws IOException {
        if (n < 0 || n > (1 << 24)) {
            throw new IOException("corrupt series state: " + what + " claims " + n + " entries");
        }
        return n;
    }

    @Override
    public SeriesState deserialize(SeriesState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesStateSerializer other && other.format == format;
    }

    @Override
    public int hashCode() {
        return SeriesStateSerializer.class.hashCode() * 31 + format;
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new SeriesStateSerializerSnapshot();
    }

    /** Keeps deserialized copies of the singletons equal to them. */
    private Object readResolve() {
        return format == FORMAT_2.format ? FORMAT_2 : INSTANCE;
    }
}
