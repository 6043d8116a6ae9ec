package io.flowcast.model.io;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.io.ModelFormatException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Body layout of format version 1 (see {@link WeightFormat} for the table). Keep the decoder working
 * unchanged when a version 2 arrives: files written by older releases must keep loading.
 */
final class FormatV1 {

    static final int VERSION = 1;

    private static final byte NO_SCALER = 0;
    private static final byte WITH_SCALER = 1;

    private FormatV1() {
    }

    static byte[] encode(SavedModel model) {
        NetConfig config = model.config();
        float[] params = model.net().parameters();
        ParameterLayout layout = model.net().layout();
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                throw new IllegalArgumentException("refusing to write a diverged model: parameter "
                        + describe(layout, i) + " is " + params[i]);
            }
        }
        byte[] cell = utf8(config.cell().id(), "cell id");
        List<byte[]> metadata = new ArrayList<>(); // key, value, key, value... in key order
        long size = FileFrame.HEADER_BYTES + 4L + cell.length + 4 * 4 + 4 + 1 + 4 + 4L * params.length
                + FileFrame.CHECKSUM_BYTES;
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            byte[] k = utf8(e.getKey(), "metadata key");
            byte[] v = utf8(e.getValue(), "metadata value of '" + e.getKey() + "'");
            metadata.add(k);
            metadata.add(v);
            size += 8L + k.length + v.length;
        }
        StreamingScaler scaler = model.scaler();
        if (scaler != null) {
            size += 4 + 8 + 4 + 8 + 16L * scaler.features();
        }
        if (size > FileFrame.MAX_FILE_BYTES) {
            throw new IllegalArgumentException("model needs " + size + " bytes, over the format's limit of "
                    + FileFrame.MAX_FILE_BYTES);
        }

        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        FileFrame.putHeader(b, VERSION, (int) size);
        putBytes(b, cell);
        b.putInt(config.inputSize()).putInt(config.hiddenSize()).putInt(config.numLayers()).putInt(config.outputSize());
        b.putInt(metadata.size() / 2);
        metadata.forEach(bytes -> putBytes(b, bytes));
        if (scaler == null) {
            b.put(NO_SCALER);
        } else {
            b.put(WITH_SCALER);
            b.putInt(scaler.features()).putLong(scaler.count()).putInt(scaler.minCount()).putDouble(scaler.minStd());
            for (int f = 0; f < scaler.features(); f++) {
                b.putDouble(scaler.mean(f));
            }
            for (int f = 0; f < scaler.features(); f++) {
                b.putDouble(scaler.sumSquaredDeviations(f));
            }
        }
        b.putInt(params.length);
        b.asFloatBuffer().put(params);
        b.position(b.position() + 4 * params.length);
        FileFrame.putChecksum(b);
        return b.array();
    }

    /** Decodes the body of a file whose frame (length, checksum) was already verified. */
    static SavedModel decode(byte[] file, int length) throws ModelFormatException {
        BodyReader in = new BodyReader(file, FileFrame.HEADER_BYTES, length - FileFrame.CHECKSUM_BYTES);
        NetConfig config = config(in);
        Map<String, String> metadata = metadata(in);
        StreamingScaler scaler = scaler(in);

        int count = in.count("parameter count");
        // Compared before the layout is built: a hostile config (a billion layers, a hidden size whose
        // matrices overflow an int) would otherwise cost its size in time and memory, or wrap around.
        long needed = parameterCount(config);
        if (count != needed) {
            throw new ModelFormatException(Problem.PARAMETER_COUNT_MISMATCH, "file has " + count
                    + " parameters but its " + config + " needs " + (needed < 0 ? "more than 2^63" : needed));
        }
        ParameterLayout layout = new ParameterLayout(config);
        float[] params = in.floats(count, "parameters");
        if (in.remaining() != 0) {
            throw new ModelFormatException(Problem.MALFORMED, in.remaining()
                    + " unexpected bytes between the parameters and the checksum");
        }
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                throw new ModelFormatException(Problem.NON_FINITE_PARAMETER, "parameter " + describe(layout, i)
                        + " is " + params[i] + ": the model diverged before it was saved");
            }
        }
        return new SavedModel(RecurrentNet.withParameters(config, params), metadata, scaler);
    }

    /**
     * The parameters {@code config} needs, in exact long arithmetic (-1 past 2^63): the count
     * {@link ParameterLayout} lays out, per layer {@code G*H*(in_k + H) + 2*G*H}, then the head's
     * {@code outputs*(H + 1)}.
     */
    static long parameterCount(NetConfig config) {
        try {
            long hidden = config.hiddenSize();
            long rows = Math.multiplyExact((long) config.cell().gates(), hidden);
            long first = Math.multiplyExact(rows, config.inputSize() + hidden + 2);
            long above = Math.multiplyExact(Math.multiplyExact(rows, 2 * hidden + 2), config.numLayers() - 1L);
            long head = Math.multiplyExact((long) config.outputSize(), hidden + 1);
            return Math.addExact(Math.addExact(first, above), head);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static NetConfig config(BodyReader in) throws ModelFormatException {
        String cellId = in.string("cell id");
        int inputSize = in.i32("inputSize");
        int hiddenSize = in.i32("hiddenSize");
        int numLayers = in.i32("numLayers");
        int outputSize = in.i32("outputSize");
        try {
            return new NetConfig(CellType.fromId(cellId), inputSize, hiddenSize, numLayers, outputSize);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(Problem.MALFORMED, "invalid network config: " + e.getMessage());
        }
    }

    private static Map<String, String> metadata(BodyReader in) throws ModelFormatException {
        int entries = in.count("metadata entry count");
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            String key = in.string("metadata key " + i);
            String value = in.string("metadata value of '" + key + "'");
            if (key.isEmpty() || metadata.put(key, value) != null) {
                throw new ModelFormatException(Problem.MALFORMED, "metadata key " + i + " '" + key
                        + "' is empty or repeated");
            }
        }
        return metadata;
    }

    private static StreamingScaler scaler(BodyReader in) throws ModelFormatException {
        byte flag = in.u8("scaler flag");
        if (flag == NO_SCALER) {
            return null;
        }
        if (flag != WITH_SCALER) {
            throw new ModelFormatException(Problem.MALFORMED, "scaler flag is " + flag + ", expected 0 or 1");
        }
        int features = in.count("scaler feature count");
        long count = in.i64("scaler observation count");
        int minCount = in.i32("scaler minCount");
        double minStd = in.f64("scaler minStd");
        double[] mean = in.doubles(features, "scaler means");
        double[] m2 = in.doubles(features, "scaler M2");
        double[] snapshot = new double[3 + 2 * features];
        snapshot[0] = count;
        snapshot[1] = minCount;
        snapshot[2] = minStd;
        System.arraycopy(mean, 0, snapshot, 3, features);
        System.arraycopy(m2, 0, snapshot, 3 + features, features);
        try {
            if (count < 0 || count > (1L << 53)) {
                throw new IllegalArgumentException("observation count " + count + " outside 0..2^53");
            }
            return StreamingScaler.fromSnapshot(snapshot);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(Problem.MALFORMED, "invalid scaler state: " + e.getMessage());
        }
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        b.putInt(bytes.length).put(bytes);
    }

    private static byte[] utf8(String s, String field) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(field + " is not valid Unicode (unpaired surrogate?): " + s);
        }
    }

    /** "17 (weight_hh_l0[2][1])": the flat index and the PyTorch tensor element it is. */
    static String describe(ParameterLayout layout, int index) {
        for (ParameterLayout.Tensor t : layout.tensors()) {
            int at = index - t.offset();
            if (at >= 0 && at < t.size()) {
                return index + " (" + t.name() + TensorShapes.element(t, at) + ")";
            }
        }
        return String.valueOf(index);
    }
}
