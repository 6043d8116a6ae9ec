package io.flowcast.model.io;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.zip.CRC32;

/** Test helpers: sample models and surgery on model files (patch a field, then re-seal the CRC). */
final class ModelBytes {

    private ModelBytes() {
    }

    static SavedModel sample(CellType cell, int layers, long seed) {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(cell, 3, 5, layers, 2), seed);
        StreamingScaler scaler = new StreamingScaler(2, 3, 1e-4);
        for (int i = 0; i < 10; i++) {
            scaler.update(new float[] {i * 0.5f, (float) Math.sin(i)});
        }
        return new SavedModel(net, Map.of(SavedModel.KEY_NAME, "sample " + cell.id(), "π", "ünïcödé ✓ 𝄞"), scaler);
    }

    static int i32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static byte[] putI32(byte[] b, int off, int v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c, off, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
        return c;
    }

    static byte[] putF32(byte[] b, int off, float v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c, off, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v);
        return c;
    }

    static byte[] putF64(byte[] b, int off, double v) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c, off, 8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v);
        return c;
    }

    /** Recomputes the trailing CRC32, as a writer with a bug (rather than a disk) would have. */
    static byte[] reseal(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        return putI32(b, b.length - 4, (int) crc.getValue());
    }

    /** Inserts bytes at {@code off}, fixes the declared length and the CRC. */
    static byte[] insert(byte[] b, int off, byte[] extra) {
        byte[] c = new byte[b.length + extra.length];
        System.arraycopy(b, 0, c, 0, off);
        System.arraycopy(extra, 0, c, off, extra.length);
        System.arraycopy(b, off, c, off + extra.length, b.length - off);
        return reseal(putI32(c, 8, c.length));
    }

    /** Offset of the config's int32 sizes: header, then the cell-id string. */
    static int sizesOffset(byte[] b) {
        return 12 + 4 + i32(b, 12);
    }

    /** Offset of the first float32 parameter. */
    static int parametersOffset(byte[] b, int parameterCount) {
        return b.length - 4 - 4 * parameterCount;
    }
}
