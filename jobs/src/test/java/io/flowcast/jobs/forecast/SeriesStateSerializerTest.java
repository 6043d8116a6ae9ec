package io.flowcast.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            SeriesState.create(4),
            filled(4, 2, false),
            filled(4, 11, true),
            filled(32, 100, true),
            filled(12, 7, false),
        };
    }

    /** A state after {@code events} events (history wrapped when events > capacity), recurrent slots used or not. */
    static SeriesState filled(int capacity, int events, boolean slots) {
        SeriesState s = SeriesState.create(capacity);
        float[] one = new float[1];
        for (int e = 0; e < events; e++) {
            float v = e % 5 == 2 ? Float.NaN : e * 1.5f - 0.25f * (e % 3);
            s.serving().buffer().append(1_400_000_000_000L + e * 300_000L, v);
            if (!Float.isNaN(v)) {
                one[0] = v;
                s.serving().liveScaler().update(one);
            }
        }
        s.lastEventTime = 1_400_000_000_000L + events * 300_000L;
        s.typicalGapMillis = 300_000.0 + events;
        if (slots) {
            SeriesState withSlots = new SeriesState(new io.flowcast.model.online.ServingState(s.serving().buffer(),
                    s.serving().liveScaler(), new float[][] {state(16, events), null}, new long[] {events, -1}));
            withSlots.lastEventTime = s.lastEventTime;
            withSlots.typicalGapMillis = s.typicalGapMillis;
            return withSlots;
        }
        return s;
    }

    private static float[] state(int n, int seed) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i + seed);
        }
        return a;
    }

    @Test
    void stateSizePerKey() throws IOException {
        // LSTM H=32, one layer: 64 floats of state; history of 32 steps
        SeriesState full = new SeriesState(new io.flowcast.model.online.ServingState(filled(32, 1000, false).serving()
                .buffer(), new io.flowcast.model.features.StreamingScaler(1), new float[][] {state(64, 1), null},
                new long[] {1, -1}));
        int bytes = serializedSize(full);
        // 16 header + scaler (4 + 5 doubles) + history (4 + 8 + 4 + 32 x 16) + slots (8 + 4 + 64 floats, 8 + 4)
        assertThat(bytes).isEqualTo(16 + (4 + 5 * 8) + (16 + 32 * 16) + (12 + 64 * 4) + 12);
    }

    @Test
    void aPartlyFilledHistoryWritesOnlyItsEvents() throws IOException {
        assertThat(serializedSize(filled(32, 3, false))).isEqualTo(serializedSize(filled(32, 32, false)) - 29 * 16);
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
        assertThatThrownBy(() -> new SeriesStateSerializerSnapshot().readSnapshot(3, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 3");
    }

    @Test
    void refusesFormat1OfTheForecasterBeforeModelsWithAClearMessage() {
        assertThatThrownBy(() -> new SeriesStateSerializerSnapshot().readSnapshot(1, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 1").hasMessageContaining("without that checkpoint");
    }

    @Test
    void corruptLengthsAreReportedNotAllocated() {
        DataOutputSerializer out = new DataOutputSerializer(64);
        assertThatThrownBy(() -> {
            out.writeLong(0);
            out.writeDouble(0);
            new io.flowcast.model.features.StreamingScaler(1).writeTo(out);
            out.writeInt(-5);
            SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        }).isInstanceOf(IOException.class).hasMessageContaining("history capacity claims -5");
    }

    static int serializedSize(SeriesState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        SeriesStateSerializer.INSTANCE.serialize(s, out);
        return out.length();
    }
}
