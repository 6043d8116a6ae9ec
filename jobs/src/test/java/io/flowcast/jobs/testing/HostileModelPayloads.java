package io.flowcast.jobs.testing;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.online.ServingModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Model record payloads a writer could put on the {@code models} topic that no trainer writes: made by
 * editing the bytes of a good one and, where the edit should get past the checksums, fixing both
 * checksums (the net's {@code .fcst} file inside, little-endian, and the record's, big-endian), so only
 * the intended problem remains.
 */
public final class HostileModelPayloads {

    private static final byte[] NET_MAGIC = {'F', 'C', 'S', 'T'};
    /** Offset of {@code inputSize} in an LSTM's {@code .fcst}: header 12, cell id "lstm" 4 + 4. */
    public static final int NET_INPUT_SIZE = 20;
    /** Offset of {@code numLayers} in an LSTM's {@code .fcst}. */
    public static final int NET_LAYERS = 28;

    private HostileModelPayloads() {
    }

    /**
     * A model like the trainer makes, but with any shape and net width: {@code netInputs} values per
     * step, an LSTM of 4 units, outputs matching the shape's horizon (the format's own rule).
     */
    public static ServingModel model(String name, long version, long trainedUpTo, ServingModel.Shape shape,
                                     int netInputs) {
        int horizon = shape.horizon();
        NetConfig config = new NetConfig(CellType.LSTM, netInputs, 4, 1, horizon * shape.outputsPerHorizon());
        float[] baseline = new float[2 * horizon];
        for (int k = 0; k < horizon; k++) {
            baseline[2 * k] = 0.8f;
            baseline[2 * k + 1] = 0.1f;
        }
        return new ServingModel(name, version, shape, RecurrentNet.initialized(config, 7 + version), baseline,
                new float[0], new ServingModel.Info(trainedUpTo, 10, 0.1, 0.2, 1));
    }

    /** The payload with the net's parameter {@code fromEnd} places before its last one set to {@code value}. */
    public static byte[] withNetParameter(byte[] payload, int fromEnd, float value) {
        byte[] p = payload.clone();
        int net = netStart(p);
        int length = netLength(p, net);
        int at = net + length - 4 - 4 * (fromEnd + 1);
        ByteBuffer.wrap(p, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        return withChecksums(p);
    }

    /** The payload with the int32 at {@code offset} of the net's {@code .fcst} file set to {@code value}. */
    public static byte[] withNetInt(byte[] payload, int offset, int value) {
        byte[] p = payload.clone();
        ByteBuffer.wrap(p, netStart(p) + offset, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
        return withChecksums(p);
    }

    /** The payload with baseline coefficient {@code index} set to {@code value} (model name of {@code name}). */
    public static byte[] withBaselineCoefficient(byte[] payload, String name, int index, float value) {
        byte[] p = payload.clone();
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        // header 12, name (4 + n), version 8, shape 4 x 4 + 1, info 8 + 4 + 8 + 8 + 8, baseline count 4
        int at = 12 + 4 + nameBytes + 8 + 17 + 36 + 4 + 4 * index;
        ByteBuffer.wrap(p, at, 4).putFloat(value);
        return withChecksums(p);
    }

    /** The payload claiming record format {@code version}, its checksum fixed. */
    public static byte[] withFormatVersion(byte[] payload, int version) {
        byte[] p = payload.clone();
        ByteBuffer.wrap(p, 4, 4).putInt(version);
        return withChecksums(p);
    }

    public static byte[] withMagic(byte[] payload, String magic) {
        byte[] p = payload.clone();
        System.arraycopy(magic.getBytes(StandardCharsets.US_ASCII), 0, p, 0, 4);
        return p;
    }

    /** The first half of the payload, as a broken upload would leave it. */
    public static byte[] truncated(byte[] payload) {
        return Arrays.copyOf(payload, payload.length / 2);
    }

    public static byte[] withTrailingBytes(byte[] payload) {
        return Arrays.copyOf(payload, payload.length + 3);
    }

    /** One byte in the middle flipped, the checksum left as it was. */
    public static byte[] flipped(byte[] payload) {
        byte[] p = payload.clone();
        p[p.length / 2] ^= 0x55;
        return p;
    }

    public static byte[] random(long seed, int bytes) {
        byte[] p = new byte[bytes];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** Both checksums recomputed: the net's (if a net is inside) and the record's. */
    public static byte[] withChecksums(byte[] payload) {
        int net = netStart(payload);
        if (net >= 0) {
            int length = netLength(payload, net);
            ByteBuffer.wrap(payload, net + length - 4, 4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(crc(payload, net, length - 4));
        }
        ByteBuffer.wrap(payload, payload.length - 4, 4).putInt(crc(payload, 0, payload.length - 4));
        return payload;
    }


    private static int netStart(byte[] p) {
        for (int i = p.length - NET_MAGIC.length; i >= 12; i--) {
            if (Arrays.equals(p, i, i + 4, NET_MAGIC, 0, 4)) {
                return i;
            }
        }
        return -1;
    }

    private static int netLength(byte[] p, int net) {
        return ByteBuffer.wrap(p, net + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
