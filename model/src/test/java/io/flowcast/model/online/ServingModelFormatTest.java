package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.io.ModelFormatException.Problem;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ServingModelFormatTest {

    static ServingModel sample(boolean withNet) {
        ServingModel.Shape shape = new ServingModel.Shape(3, 6, 12, 2, false);
        RecurrentNet net = withNet ? RecurrentNet.initialized(new NetConfig(CellType.GRU, 12, 5, 1, 3), 9L) : null;
        return new ServingModel("beijing", 7, shape, net, new float[] {0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f},
                new float[0], new ServingModel.Info(1_700_000_000_000L, 400, 0.25, 0.5, 1234));
    }

    /**
     * {@code serving-model-v1.fcsm} was written by the first release's {@code ServingModelFormat}
     * (format version 1, with a frozen scaler for series "b" and "station/a") from the same model as
     * {@code sample(true)}: it still reads, the scalers dropped, everything else equal.
     */
    @Test
    void readsARecordOfTheFirstRelease() throws Exception {
        byte[] v1;
        try (var in = ServingModelFormatTest.class.getResourceAsStream("/io/flowcast/model/io/serving-model-v1.fcsm")) {
            v1 = in.readAllBytes();
        }
        assertEquals(1, v1[7], "the fixture is format version 1");
        ServingModel back = ServingModelFormat.fromBytes(v1);
        assertTrue(sample(true).sameContent(back), back.toString());
        byte[] v2 = ServingModelFormat.toBytes(back);
        assertEquals(2, v2[7]);
        assertTrue(v2.length < v1.length, "version 2 carries no scalers: " + v2.length + " vs " + v1.length);
    }

    @Test
    void aRecordsSizeDoesNotDependOnTheSeriesItServes() {
        // Nothing per series is left to grow: the same model is the same bytes whoever it serves.
        assertEquals(ServingModelFormat.toBytes(sample(true)).length, ServingModelFormat.toBytes(sample(true)).length);
        ServingModel m = sample(true);
        int fixed = 4 + 4 + 4 + 4 + m.name().length() + 8 + 4 * 4 + 1 + 8 + 4 + 8 + 8 + 8 + 4 + 4 * m.baseline().length + 4
                + 4 + 4;
        byte[] bytes = ServingModelFormat.toBytes(m);
        assertEquals(fixed + io.flowcast.model.io.WeightFormat.toBytes(new io.flowcast.model.io.SavedModel(m.net())).length,
                bytes.length, "header, name, shape, info, coefficients, net and checksum: nothing else");
    }

    @Test
    void roundTripsEveryField() throws ModelFormatException {
        for (boolean withNet : new boolean[] {true, false}) {
            ServingModel m = sample(withNet);
            byte[] bytes = ServingModelFormat.toBytes(m);
            ServingModel back = ServingModelFormat.fromBytes(bytes);
            assertTrue(m.sameContent(back), back.toString());
            assertArrayEquals(bytes, ServingModelFormat.toBytes(back));
        }
    }

    @Test
    void refusesDamagedRecordsSayingWhy() {
        byte[] good = ServingModelFormat.toBytes(sample(true));
        assertEquals(Problem.TRUNCATED, problem(Arrays.copyOf(good, good.length - 9)));
        assertEquals(Problem.TRAILING_BYTES, problem(Arrays.copyOf(good, good.length + 2)));
        byte[] flipped = good.clone();
        flipped[40] ^= 0x10;
        assertEquals(Problem.CHECKSUM_MISMATCH, problem(flipped));
        assertEquals(Problem.NOT_A_MODEL_FILE, problem("{\"not\": \"a model\"}".getBytes()));
        byte[] future = good.clone();
        future[7] = 9;
        assertEquals(Problem.UNSUPPORTED_VERSION, problem(future));
        assertEquals(Problem.TRUNCATED, problem(new byte[0]));
    }

    @Test
    void aFirstReleaseRecordClaimingAHugeScalerIsRefusedBeforeAllocatingIt() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeInt(0x4643534D);
        out.writeInt(1);
        out.writeInt(0); // length, patched below
        out.writeUTF("m");
        out.writeLong(1);
        for (int field : new int[] {3, 6, 12, 2}) {
            out.writeInt(field);
        }
        out.writeByte(0);
        out.writeLong(0);
        out.writeInt(1);
        out.writeDouble(0.1);
        out.writeDouble(0.2);
        out.writeLong(1);
        out.writeInt(6);
        for (int i = 0; i < 6; i++) {
            out.writeFloat(0.5f);
        }
        out.writeInt(0); // residual quantiles
        out.writeInt(1); // one series' scaler
        out.writeUTF("a");
        out.writeInt(1 << 30); // features: 2^31 doubles, 16 GiB, if allocated
        out.writeInt(0); // no net
        out.writeInt(0); // checksum, set below
        byte[] b = bytes.toByteArray();
        java.nio.ByteBuffer.wrap(b, 8, 4).putInt(b.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 4);
        java.nio.ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) crc.getValue());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ServingModelFormat.fromBytes(b));
        assertEquals(Problem.MALFORMED, e.problem());
        assertTrue(e.getMessage().contains("a scaler of 1073741824 features"), e.getMessage());
    }

    @Test
    void servingProblemNamesANetThatDoesNotReadWhatTheForecasterFeeds() {
        ServingModel.Shape shape = new ServingModel.Shape(3, 6, 12, 2, false);
        assertEquals(1 + 4 + 3 + 1, shape.inputSize());
        assertEquals(new InputRows(3, 12, 2).size(), shape.inputSize());
        assertEquals(new InputRows(3, 0, 0).size(), new ServingModel.Shape(3, 6, 0, 0, false).inputSize());
        // The first release's fixture model reads 12 values a step where 9 are fed: it decodes, it cannot serve.
        assertEquals("net reads 12 inputs per step, the forecaster feeds 9 (value, 4 calendar, 4 seasonal references)",
                sample(true).servingProblem());
        assertEquals(null, sample(false).servingProblem());
        RecurrentNet fits = RecurrentNet.initialized(new NetConfig(CellType.GRU, 9, 5, 1, 3), 9L);
        ServingModel m = sample(true);
        assertEquals(null, new ServingModel(m.name(), m.version(), shape, fits, m.baseline(), m.residualQuantiles(),
                m.info()).servingProblem());
    }

    private static Problem problem(byte[] bytes) {
        return assertThrows(ModelFormatException.class, () -> ServingModelFormat.fromBytes(bytes)).problem();
    }
}
