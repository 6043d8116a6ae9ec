package io.flowcast.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.online.ServingState;
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
            withStepAndTimer(filled(101, 150, true), 300_000L, 1_400_000_000_000L + 150 * 300_000L + 86_400_000L),
            withStepAndTimer(filled(8, 3, false), 0, Long.MAX_VALUE),
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
            // slot 0 served by version `events` since about half the events (its domain scaler), slot 1 unused
            StreamingScaler domain = new StreamingScaler(1);
            for (int e = 0; e < events / 2; e++) {
                domain.update(new float[] {e * 1.5f});
            }
            SeriesState withSlots = new SeriesState(new io.flowcast.model.online.ServingState(s.serving().buffer(),
                    s.serving().liveScaler(), new float[][] {state(16, events), null}, new long[] {events, -1},
                    new StreamingScaler[] {domain, null}));
            withSlots.lastEventTime = s.lastEventTime;
            withSlots.typicalGapMillis = s.typicalGapMillis;
            return withSlots;
        }
        return s;
    }

    static SeriesState withStepAndTimer(SeriesState s, long stepMillis, long expiryTimer) {
        s.stepMillis = stepMillis;
        s.expiryTimer = expiryTimer;
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
                .buffer(), new StreamingScaler(1), new float[][] {state(64, 1), null},
                new long[] {1, -1}, new StreamingScaler[] {new StreamingScaler(1), null}));
        int bytes = serializedSize(full);
        // 16 header + scaler (4 + 5 doubles) + history (4 + 8 + 4 + 4 held, then times: 1 layout + 8 first +
        // 31 int gaps, 32 observed floats, 1 filled float) + slots (8 + 4 + 64 floats, 8 + 4)
        // + step and expiry timer (format 3) + slot domains (1 + scaler, 1)
        assertThat(bytes).isEqualTo(16 + (4 + 5 * 8) + (20 + 1 + 8 + 31 * 4 + 32 * 4 + 4) + (12 + 64 * 4) + 12 + 16
                + (1 + 4 + 5 * 8) + 1);
    }

    @Test
    void aPartlyFilledHistoryWritesOnlyItsEvents() throws IOException {
        // 8 bytes a step: an int time gap and the observed value (filled values are derived on reading)
        assertThat(serializedSize(filled(32, 3, false))).isEqualTo(serializedSize(filled(32, 32, false)) - 29 * 8);
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
        assertThatThrownBy(() -> new SeriesStateSerializerSnapshot().readSnapshot(4, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 4");
    }

    @Test
    void refusesFormat1OfTheForecasterBeforeModelsWithAClearMessage() {
        assertThatThrownBy(() -> new SeriesStateSerializerSnapshot().readSnapshot(1, new DataInputDeserializer(new byte[0]),
                getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format 1").hasMessageContaining("without that checkpoint");
    }

    @Test
    void aFormat2SnapshotRestoresWithTheFormat2ReaderAndAsksForMigration() throws IOException {
        SeriesStateSerializerSnapshot old = new SeriesStateSerializerSnapshot();
        old.readSnapshot(2, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());

        assertThat(old.restoreSerializer()).isSameAs(SeriesStateSerializer.FORMAT_2)
                .isNotEqualTo(SeriesStateSerializer.INSTANCE);
        assertThat(new SeriesStateSerializerSnapshot().resolveSchemaCompatibility(old).isCompatibleAfterMigration())
                .as("format 2 is rewritten in format 3, not read as is").isTrue();
        assertThat(SeriesStateSerializer.INSTANCE.snapshotConfiguration().getCurrentVersion()).isEqualTo(3);
    }

    @Test
    void format2BytesReadAsTheSameSeriesWithNoStepAndNoTimerAndAreRewrittenInFormat3() throws IOException {
        for (SeriesState original : getTestData()) {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            writeFormat2(original, out);
            DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

            SeriesState migrated = SeriesStateSerializer.FORMAT_2.deserialize(in);

            assertThat(in.available()).as("format 2 is read to its end, no further").isZero();
            assertThat(migrated.stepMillis()).isZero();
            assertThat(migrated.expiryTimer()).isEqualTo(Long.MIN_VALUE);
            assertThat(migrated.serving().domain(0)).as("format 2 had no domain scalers").isNull();
            assertThat(migrated.serving().domain(1)).isNull();
            SeriesState expected = original.copy();
            io.flowcast.model.online.ServingState e = expected.serving();
            float[][] states = {e.state(0), e.state(1)};
            expected = new SeriesState(new io.flowcast.model.online.ServingState(e.buffer(), e.liveScaler(), states,
                    new long[] {e.version(0), e.version(1)}, new StreamingScaler[ServingState.SLOTS]));
            expected.lastEventTime = original.lastEventTime;
            expected.typicalGapMillis = original.typicalGapMillis;
            assertThat(migrated).isEqualTo(withStepAndTimer(expected, 0, Long.MIN_VALUE));
            DataOutputSerializer rewritten = new DataOutputSerializer(1024);
            SeriesStateSerializer.INSTANCE.serialize(migrated, rewritten);
            assertThat(SeriesStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(rewritten.getCopyOfBuffer())))
                    .isEqualTo(migrated);
        }
    }

    /** The first release's format 2, written field by field as its serializer did (not with this one). */
    private static void writeFormat2(SeriesState s, DataOutputSerializer out) throws IOException {
        io.flowcast.model.online.SeriesBuffer b = s.serving().buffer();
        out.writeLong(s.lastEventTime());
        out.writeDouble(s.typicalGapMillis());
        s.serving().liveScaler().writeTo(out);
        out.writeInt(b.capacity());
        out.writeLong(b.count());
        out.writeFloat(b.lastFinite());
        int fill = (int) Math.min(b.count(), b.capacity());
        for (int i = 0; i < fill; i++) {
            out.writeLong(b.timestampSlots()[i]);
        }
        for (int i = 0; i < fill; i++) {
            out.writeFloat(b.observedSlots()[i]);
        }
        for (int i = 0; i < fill; i++) {
            out.writeFloat(b.filledSlots()[i]);
        }
        for (int slot = 0; slot < io.flowcast.model.online.ServingState.SLOTS; slot++) {
            out.writeLong(s.serving().version(slot));
            float[] state = s.serving().state(slot);
            out.writeInt(state == null ? -1 : state.length);
            for (int i = 0; state != null && i < state.length; i++) {
                out.writeFloat(state[i]);
            }
        }
    }

    @Test
    void theFormat2ReaderNeverWrites() {
        assertThatThrownBy(() -> SeriesStateSerializer.FORMAT_2.serialize(filled(4, 2, false), new DataOutputSerializer(64)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read only");
    }

    @Test
    void javaSerializedSerializersStayTheirSingletons() throws Exception {
        ClassLoader cl = getClass().getClassLoader();
        assertThat(org.apache.flink.util.InstantiationUtil.clone(SeriesStateSerializer.INSTANCE, cl))
                .isSameAs(SeriesStateSerializer.INSTANCE);
        assertThat(org.apache.flink.util.InstantiationUtil.clone(SeriesStateSerializer.FORMAT_2, cl))
                .isSameAs(SeriesStateSerializer.FORMAT_2);
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
