package io.flowcast.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.model.CellType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Flink's serializer contract (copy, reuse, sequences, snapshot, duplicate) plus format and size checks. */
class SeriesStateSerializerTest extends SerializerTestBase<SeriesState> {

    @Override
    protected TypeSerializer<SeriesState> createSerializer() {
        return SeriesStateSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<SeriesState> getTypeClass() {
        return SeriesState.class;
    }

    @Override
    protected SeriesState[] getTestData() {
        return new SeriesState[] {
            new SeriesState(8, 1, 4),
            filled(8, 1, 4, 2),
            filled(8, 1, 4, 11),
            filled(128, 1, 32, 100),
            filled(6, 3, 5, 7),
        };
    }

    /** A state after {@code events} events with distinct values and times (ring wrapped when events > capacity). */
    static SeriesState filled(int stateSize, int features, int capacity, int events) {
        SeriesState s = new SeriesState(stateSize, features, capacity);
        float[] values = new float[features];
        for (int e = 0; e < events; e++) {
            for (int f = 0; f < features; f++) {
                values[f] = e * 1.5f + f - 0.25f * (e % 3);
            }
            s.scaler.update(values);
            s.record(1_400_000_000_000L + e * 300_000L, values);
        }
        for (int i = 0; i < stateSize; i++) {
            s.recurrent[i] = (float) Math.sin(i + events);
        }
        s.modelVersion = events % 3;
        s.typicalGapMillis = 300_000.0 + events;
        return s;
    }

    @Test
    void stateSizePerKeyForLstmH64() throws IOException {
        ForecastSettings settings = ForecastSettings.defaults().withCell(CellType.LSTM).withHiddenSize(64);
        SeriesState full = filled(settings.netConfig().stateSize(), 1, settings.ringCapacity(), 1000);
        int bytes = serializedSize(full);
        // 4 longs/doubles + (4 + 128 floats) + scaler (4 + 5 doubles) + ring (8 + 32 floats + 32 longs)
        assertThat(bytes).isEqualTo(32 + (4 + 128 * 4) + (4 + 5 * 8) + (8 + 32 * 4 + 32 * 8));
        System.out.printf("series state, LSTM H=64, 1 layer, ring %d: %d bytes per key serialized%n",
                settings.ringCapacity(), bytes);
    }

    @Test
    void aPartlyFilledRingWritesOnlyItsEvents() throws IOException {
        assertThat(serializedSize(filled(8, 1, 32, 3))).isEqualTo(serializedSize(filled(8, 1, 32, 32)) - 29 * 12);
    }

    @Test
    void snapshotRestoresTheSameSerializerAndIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<SeriesState> written = SeriesStateSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, written);
        TypeSerializerSnapshot<SeriesState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());

        assertThat(read.restoreSerializer()).isSameAs(SeriesStateSerializer.INSTANCE);
        assertThat(new SeriesStateSerializerSnapshot().resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();
    }

    @Test
    void refusesAnUnknownFormatVersion() {
        assertThatThrownBy(() -> new SeriesStateSerializerSnapshot().readSnapshot(2, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 2");
    }

    @Test
    void corruptLengthsAreReportedNotAllocated() {
        DataOutputSerializer out = new DataOutputSerializer(64);
        assertThatThrownBy(() -> {
            out.writeLong(0);
            out.writeLong(0);
            out.writeLong(0);
            out.writeDouble(0);
            out.writeInt(-5);
            SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        }).isInstanceOf(IOException.class).hasMessageContaining("recurrent state claims -5");
    }

    static int serializedSize(SeriesState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        return out.length();
    }
}
