package io.flowcast.jobs.records;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Float arrays written and read in one call, each float as {@link DataOutputView#writeFloat} writes it:
 * the per-call checks of a float at a time were a large share of keyed state's cost on RocksDB.
 */
public final class BulkFloats {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private BulkFloats() {
    }

    /** Writes {@code n} floats of the ring {@code a} from slot {@code from}, wrapping at its end. */
    public static void write(DataOutputView out, float[] a, int from, int n) throws IOException {
        byte[] bytes = new byte[4 * n];
        for (int i = 0, slot = from; i < n; i++, slot = slot + 1 == a.length ? 0 : slot + 1) {
            INT.set(bytes, 4 * i, Float.floatToIntBits(a[slot])); // writeFloat's bits: NaN made canonical
        }
        out.write(bytes);
    }

    /** Reads what {@link #write} wrote into the ring {@code a} from slot {@code from}. */
    public static void read(DataInputView in, float[] a, int from, int n) throws IOException {
        byte[] bytes = new byte[4 * n];
        in.readFully(bytes);
        for (int i = 0, slot = from; i < n; i++, slot = slot + 1 == a.length ? 0 : slot + 1) {
            a[slot] = Float.intBitsToFloat((int) INT.get(bytes, 4 * i));
        }
    }
}
