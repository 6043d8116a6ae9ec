package io.flowcast.jobs.forecast;

import io.flowcast.model.features.StreamingScaler;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link SeriesState} field by field, so keyed state never falls back to Kryo and the bytes
 * are the same on the heap and RocksDB backends. Format 1 (see {@link SeriesStateSerializerSnapshot}):
 * <pre>
 *   long lastEventTime, long modelVersion, long steps, double typicalGapMillis
 *   int n, float[n] recurrent
 *   scaler: StreamingScaler.writeTo (int features, double[3 + 2 * features])
 *   int capacity, int features, then the filled ring slots 0..fill-1: float[fill * features], long[fill]
 * </pre>
 * Every length is in the stream, so a state written under other settings still reads (the function
 * then sees it does not fit and starts that series over).
 */
public final class SeriesStateSerializer extends TypeSerializer<SeriesState> {

    private static final long serialVersionUID = 1L;

    /** Stateless, so one shared instance serves every thread. */
    public static final SeriesStateSerializer INSTANCE = new SeriesStateSerializer();

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
        return new SeriesState(0, 1, 0);
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
        out.writeLong(s.modelVersion);
        out.writeLong(s.steps);
        out.writeDouble(s.typicalGapMillis);
        out.writeInt(s.recurrent.length);
        for (float v : s.recurrent) {
            out.writeFloat(v);
        }
        s.scaler.writeTo(out);
        int fill = s.ringFill();
        int features = s.features();
        out.writeInt(s.ringCapacity());
        out.writeInt(features);
        for (int i = 0; i < fill * features; i++) {
            out.writeFloat(s.ringValues[i]);
        }
        for (int i = 0; i < fill; i++) {
            out.writeLong(s.ringTimes[i]);
        }
    }

    @Override
    public SeriesState deserialize(DataInputView in) throws IOException {
        long lastEventTime = in.readLong();
        long modelVersion = in.readLong();
        long steps = in.readLong();
        double typicalGapMillis = in.readDouble();
        float[] recurrent = new float[checkedLength(in.readInt(), "recurrent state")];
        for (int i = 0; i < recurrent.length; i++) {
            recurrent[i] = in.readFloat();
        }
        StreamingScaler scaler = StreamingScaler.readFrom(in);
        int capacity = checkedLength(in.readInt(), "ring capacity");
        int features = in.readInt();
        if (features != scaler.features()) {
            throw new IOException("ring has " + features + " features but the scaler " + scaler.features());
        }
        float[] ringValues = new float[capacity * features];
        long[] ringTimes = new long[capacity];
        int fill = (int) Math.min(steps, capacity);
        for (int i = 0; i < fill * features; i++) {
            ringValues[i] = in.readFloat();
        }
        for (int i = 0; i < fill; i++) {
            ringTimes[i] = in.readLong();
        }
        SeriesState s = new SeriesState(recurrent, scaler, ringValues, ringTimes);
        s.lastEventTime = lastEventTime;
        s.modelVersion = modelVersion;
        s.steps = steps;
        s.typicalGapMillis = typicalGapMillis;
        return s;
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
        return o instanceof SeriesStateSerializer;
    }

    @Override
    public int hashCode() {
        return SeriesStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SeriesState> snapshotConfiguration() {
        return new SeriesStateSerializerSnapshot();
    }

    /** Keeps deserialized copies of the singleton equal to it. */
    private Object readResolve() {
        return INSTANCE;
    }
}
