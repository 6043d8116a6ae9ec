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
        out.writeInt(e.window());
        out.writeFloat(e.mae());
        out.writeFloat(e.rmse());
        out.writeFloat(e.persistenceMae());
        out.writeFloat(e.persistenceRmse());
    }

    @Override
    public ForecastError deserialize(DataInputView in) throws IOException {
        return new ForecastError(Strings.read(in), in.readLong(), in.readLong(), in.readInt(), in.readFloat(),
                in.readFloat(), in.readFloat(), in.readFloat(), in.readLong(), in.readFloat(), in.readInt(),
                in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
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
