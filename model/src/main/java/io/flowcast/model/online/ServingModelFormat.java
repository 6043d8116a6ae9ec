package io.flowcast.model.online;

import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.io.ModelFormatException.Problem;
import io.flowcast.model.io.SavedModel;
import io.flowcast.model.io.WeightFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A {@link ServingModel} as bytes: the value of a record on the {@code models} topic. Never Java
 * serialization. Big-endian ({@link DataOutputStream}); the net inside is a complete
 * {@link WeightFormat} file (little-endian, with its own checksum), so a net can be taken out and
 * loaded by any tool that reads {@code .fcst} files.
 *
 * <pre>
 * 4    magic 'F' 'C' 'S' 'M'
 * 4    int32 format version (2)
 * 4    int32 total length L, checksum included
 * ...  int32 n + n bytes UTF-8 name, int64 version
 *      int32 horizon, window, season, seasons; byte quantiles (0/1)
 *      int64 trainedUpTo; int32 samples; float64 validationLoss, baselineLoss; int64 trainingMillis
 *      int32 n + n float32 baseline coefficients
 *      int32 n + n float32 residual quantiles
 *      int32 net bytes N (0: no net) + N bytes of a .fcst file
 * 4    CRC32 of bytes [0, L-4)
 * </pre>
 * Reading checks magic, version, length and checksum first, then every field, and throws a
 * {@link ModelFormatException} that says which.
 *
 * <p>Version 1 (the first release) also carried a frozen scaler per series, after the residual
 * quantiles ({@code int32 keys}, then per key a {@code writeUTF} key and a scaler), and wrote the
 * name with {@code writeUTF}. It is still read: the scalers are skipped (a series is now served
 * with its own running scaler), so a version published by that release keeps serving after an
 * upgrade. The size of a version-2 record does not depend on the number of series.
 */
public final class ServingModelFormat {

    public static final int VERSION = 2;
    private static final int VERSION_WITH_SCALERS = 1;
    /** Longest model name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 4096;
    private static final int MAGIC = 0x4643534D; // "FCSM"
    private static final int HEADER = 12;

    private ServingModelFormat() {
    }

    public static byte[] toBytes(ServingModel m) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(0); // length, patched below
            byte[] name = m.name().getBytes(StandardCharsets.UTF_8);
            if (name.length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("model name of " + name.length + " bytes; at most " + MAX_NAME_BYTES);
            }
            out.writeInt(name.length);
            out.write(name);
            out.writeLong(m.version());
            ServingModel.Shape s = m.shape();
            out.writeInt(s.horizon());
            out.writeInt(s.window());
            out.writeInt(s.season());
            out.writeInt(s.seasons());
            out.writeByte(s.quantiles() ? 1 : 0);
            ServingModel.Info info = m.info();
            out.writeLong(info.trainedUpTo());
            out.writeInt(info.samples());
            out.writeDouble(info.validationLoss());
            out.writeDouble(info.baselineLoss());
            out.writeLong(info.trainingMillis());
            writeFloats(out, m.baseline());
            writeFloats(out, m.residualQuantiles());
            if (m.net() == null) {
                out.writeInt(0);
            } else {
                byte[] net = WeightFormat.toBytes(new SavedModel(m.net()));
                out.writeInt(net.length);
                out.write(net);
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            byte[] all = new byte[body.length + 4];
            System.arraycopy(body, 0, all, 0, body.length);
            putInt(all, 8, all.length);
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 4);
            putInt(all, all.length - 4, (int) crc.getValue());
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
    }

    public static ServingModel fromBytes(byte[] bytes) throws ModelFormatException {
        if (bytes == null || bytes.length < HEADER + 4) {
            throw new ModelFormatException(Problem.TRUNCATED, "a model record needs at least " + (HEADER + 4)
                    + " bytes, got " + (bytes == null ? "none" : bytes.length));
        }
        if (getInt(bytes, 0) != MAGIC) {
            throw new ModelFormatException(Problem.NOT_A_MODEL_FILE, "not a flowcast model record (no FCSM magic)");
        }
        int version = getInt(bytes, 4);
        if (version != VERSION && version != VERSION_WITH_SCALERS) {
            throw new ModelFormatException(Problem.UNSUPPORTED_VERSION, "model record format version " + version
                    + "; this reader knows version " + VERSION);
        }
        int length = getInt(bytes, 8);
        if (length > bytes.length) {
            throw new ModelFormatException(Problem.TRUNCATED, "model record declares " + length + " bytes, got "
                    + bytes.length);
        }
        if (length < bytes.length) {
            throw new ModelFormatException(Problem.TRAILING_BYTES, "model record declares " + length + " bytes, got "
                    + bytes.length);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length - 4);
        if ((int) crc.getValue() != getInt(bytes, length - 4)) {
            throw new ModelFormatException(Problem.CHECKSUM_MISMATCH, "model record checksum does not match");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, HEADER, length - HEADER - 4));
        try {
            String name = version == VERSION_WITH_SCALERS ? in.readUTF() : readName(in);
            long modelVersion = in.readLong();
            ServingModel.Shape shape = new ServingModel.Shape(in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readByte() != 0);
            ServingModel.Info info = new ServingModel.Info(in.readLong(), in.readInt(), in.readDouble(),
                    in.readDouble(), in.readLong());
            float[] baseline = readFloats(in);
            float[] quantiles = readFloats(in);
            if (version == VERSION_WITH_SCALERS) {
                skipScalers(in);
            }
            int netBytes = in.readInt();
            RecurrentNet net = null;
            if (netBytes < 0 || netBytes > in.available()) {
                throw new ModelFormatException(Problem.MALFORMED, "net of " + netBytes + " bytes, "
                        + in.available() + " left");
            }
            if (netBytes > 0) {
                net = WeightFormat.fromBytes(in.readNBytes(netBytes)).net();
            }
            if (in.available() != 0) {
                throw new ModelFormatException(Problem.MALFORMED, in.available() + " bytes left after the net");
            }
            return new ServingModel(name, modelVersion, shape, net, baseline, quantiles, info);
        } catch (ModelFormatException e) {
            throw e;
        } catch (EOFException e) {
            throw new ModelFormatException(Problem.MALFORMED, "model record ends inside a field");
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(Problem.MALFORMED, "invalid model record: " + e.getMessage());
        }
    }

    private static String readName(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_NAME_BYTES || n > in.available()) {
            throw new ModelFormatException(Problem.MALFORMED, "model name of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** Version 1's per-series scalers: read to check them, then dropped. */
    private static void skipScalers(DataInputStream in) throws IOException {
        int keys = in.readInt();
        if (keys < 0) {
            throw new ModelFormatException(Problem.MALFORMED, "negative key count " + keys);
        }
        for (int k = 0; k < keys; k++) {
            in.readUTF();
            // A scaler's arrays are allocated before they are read: refuse a feature count the bytes
            // left cannot hold, or a hostile record would claim gigabytes.
            in.mark(4);
            int features = in.readInt();
            in.reset();
            if (features < 0 || 16L * features > in.available()) {
                throw new ModelFormatException(Problem.MALFORMED, "a scaler of " + features + " features, "
                        + in.available() + " bytes left");
            }
            StreamingScaler.readFrom(in);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 4) {
            throw new ModelFormatException(Problem.MALFORMED, "array of " + n + " floats, " + in.available()
                    + " bytes left");
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
            if (!Float.isFinite(values[i])) {
                throw new ModelFormatException(Problem.NON_FINITE_PARAMETER, "coefficient " + i + " is " + values[i]);
            }
        }
        return values;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
