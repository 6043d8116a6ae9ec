package io.flowcast.jobs.score;

import io.flowcast.jobs.records.ImmutableValueSerializer;
import io.flowcast.jobs.records.SerializerTypeInfo;
import io.flowcast.jobs.records.Strings;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** A {@link ForecastError} field by field, in the record's order. Immutable values. */
public final class ForecastErrorSerializer extends ImmutableValueSerializer<ForecastError> {

    private static final long serialVersionUID = 1L;

    public static final ForecastErrorSerializer INSTANCE = new ForecastErrorSerializer();

    /** The type of a stream of forecast errors. */
    public static final TypeInformation<ForecastError> TYPE = new SerializerTypeInfo<>(ForecastError.class, INSTANCE);

    @Override
    public void serialize(ForecastError e, DataOutputView out) throws IOException {
        Strings.write(e.key(), out);
        out.writeLong(e.originTime());
        out.writeLong(e.targetTime());
        out.writeInt(e.horizon());
        out.writeFloat(e.forecast());
        out.writeFloat(e.actual());
        out.writeFloat(e.p10());
        out.writeFloat(e.p90());
        out.writeLong(e.modelVersion());
        out.writeFloat(e.persistence());
        RollingErrors r = e.rolling();
        out.writeInt(r.window());
        out.writeFloat(r.mae());
        out.writeFloat(r.rmse());
        out.writeFloat(r.wape());
        out.writeFloat(r.persistenceMae());
        out.writeFloat(r.persistenceRmse());
        out.writeFloat(r.persistenceWape());
        out.writeFloat(r.coverage());
        Anomaly a = e.anomaly();
        out.writeBoolean(a != null);
        if (a != null) {
            out.writeBoolean(a.flagged());
            out.writeFloat(a.score());
            out.writeFloat(a.low());
            out.writeFloat(a.high());
        }
    }

    @Override
    public ForecastError deserialize(DataInputView in) throws IOException {
        String key = Strings.read(in);
        long origin = in.readLong();
        long target = in.readLong();
        int horizon = in.readInt();
        float forecast = in.readFloat();
        float actual = in.readFloat();
        float p10 = in.readFloat();
        float p90 = in.readFloat();
        long version = in.readLong();
        float persistence = in.readFloat();
        RollingErrors rolling = new RollingErrors(in.readInt(), in.readFloat(), in.readFloat(), in.readFloat(),
                in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
        Anomaly anomaly = in.readBoolean()
                ? new Anomaly(in.readBoolean(), in.readFloat(), in.readFloat(), in.readFloat())
                : null;
        return new ForecastError(key, origin, target, horizon, forecast, actual, p10, p90, version, persistence,
                rolling, anomaly);
    }

    @Override
    public TypeSerializerSnapshot<ForecastError> snapshotConfiguration() {
        return new Snapshot();
    }

    private Object readResolve() {
        return INSTANCE;
    }

    /** Format 1; restored as the singleton. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ForecastError> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
