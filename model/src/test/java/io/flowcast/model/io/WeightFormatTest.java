package io.flowcast.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFormatTest {

    private static void assertBitExact(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "parameter " + i);
        }
    }

    @Test
    void roundTripIsBitExactForEveryCellAndDepth() throws IOException {
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 3; layers++) {
                SavedModel model = ModelBytes.sample(cell, layers, 31L * layers + cell.ordinal());
                SavedModel back = WeightFormat.fromBytes(WeightFormat.toBytes(model));
                assertEquals(model.config(), back.config());
                assertBitExact(model.net().parameters(), back.net().parameters());
                assertEquals(model.metadata(), back.metadata());
                assertTrue(back.scaler().sameState(model.scaler()));
                assertTrue(back.sameContent(model), cell + " x" + layers);
            }
        }
    }

    @Test
    void awkwardFloatsSurviveBitForBit() throws IOException {
        NetConfig config = new NetConfig(CellType.RNN_RELU, 1, 2, 1, 1);
        float[] p = new float[RecurrentNet.initialized(config, 1).parameters().length];
        float[] special = {-0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_NORMAL, 0.1f, 1f / 3, Math.nextUp(1f)};
        System.arraycopy(special, 0, p, 0, special.length);
        SavedModel back = WeightFormat.fromBytes(WeightFormat.toBytes(new SavedModel(RecurrentNet.withParameters(config, p))));
        assertBitExact(p, back.net().parameters());
        assertFalse(back.hasScaler());
        assertNull(back.scaler());
        assertTrue(back.metadata().isEmpty());
    }

    @Test
    void bytesFollowTheDocumentedLayout() {
        NetConfig config = new NetConfig(CellType.LSTM, 1, 1, 1, 1);
        float[] p = new float[RecurrentNet.initialized(config, 1).parameters().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = i + 0.5f;
        }
        byte[] b = WeightFormat.toBytes(new SavedModel(RecurrentNet.withParameters(config, p), Map.of("k", "vé")));
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        in.get(magic);
        assertEquals("FCST", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, in.getInt(), "version");
        assertEquals(b.length, in.getInt(), "total length");
        assertEquals(4, in.getInt());
        byte[] cell = new byte[4];
        in.get(cell);
        assertEquals("lstm", new String(cell, StandardCharsets.UTF_8));
        assertEquals(List.of(1, 1, 1, 1), List.of(in.getInt(), in.getInt(), in.getInt(), in.getInt()));
        assertEquals(1, in.getInt(), "metadata entries");
        assertEquals(1, in.getInt());
        assertEquals('k', in.get());
        assertEquals(3, in.getInt(), "'vé' is 3 bytes of UTF-8");
        in.position(in.position() + 3);
        assertEquals(0, in.get(), "no scaler");
        assertEquals(p.length, in.getInt());
        for (float v : p) {
            assertEquals(v, in.getFloat(), 0f);
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        assertEquals((int) crc.getValue(), in.getInt());
        assertFalse(in.hasRemaining());
        // LSTM 1-1-1-1: 4+4+4+4 recurrent + 1 + 1 head = 18 parameters
        assertEquals(12 + 8 + 16 + 4 + 4 + 1 + 4 + 3 + 1 + 4 + 18 * 4 + 4, b.length);
    }

    @Test
    void scalerSectionLayout() {
        SavedModel model = ModelBytes.sample(CellType.GRU, 1, 3);
        byte[] b = WeightFormat.toBytes(model);
        byte[] without = WeightFormat.toBytes(new SavedModel(model.net(), model.metadata()));
        assertEquals(4 + 8 + 4 + 8 + 2 * 2 * 8, b.length - without.length);
        int paramsAt = ModelBytes.parametersOffset(b, model.net().parameters().length);
        int scalerAt = paramsAt - 4 - (4 + 8 + 4 + 8 + 32);
        assertEquals(1, b[scalerAt - 1], "scaler flag");
        ByteBuffer in = ByteBuffer.wrap(b, scalerAt, 56).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, in.getInt());
        assertEquals(10L, in.getLong());
        assertEquals(3, in.getInt());
        assertEquals(1e-4, in.getDouble(), 0.0);
        assertEquals(model.scaler().mean(0), in.getDouble(), 0.0);
        assertEquals(model.scaler().mean(1), in.getDouble(), 0.0);
        assertEquals(model.scaler().sumSquaredDeviations(0), in.getDouble(), 0.0);
    }

    @Test
    void sameModelSameBytesWhateverTheMetadataOrder() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.GRU, 1, 2, 1, 1), 9);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("z", "1");
        a.put("a", "2");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("a", "2");
        b.put("z", "1");
        assertArrayEquals(WeightFormat.toBytes(new SavedModel(net, a)), WeightFormat.toBytes(new SavedModel(net, b)));
    }

    @Test
    void fileRoundTripReplacesAtomicallyAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model" + WeightFormat.FILE_EXTENSION);
        SavedModel first = ModelBytes.sample(CellType.LSTM, 2, 1);
        SavedModel second = ModelBytes.sample(CellType.RNN_TANH, 1, 2);
        WeightFormat.write(first, file);
        assertTrue(WeightFormat.read(file).sameContent(first));
        WeightFormat.write(second, file);
        assertTrue(WeightFormat.read(file).sameContent(second));
        assertArrayEquals(WeightFormat.toBytes(second), Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void streamReadsExactlyOneModelAtATime() throws IOException {
        SavedModel a = ModelBytes.sample(CellType.GRU, 2, 5);
        SavedModel b = ModelBytes.sample(CellType.LSTM, 1, 6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WeightFormat.write(a, out);
        WeightFormat.write(b, out);
        out.write(new byte[] {42, 43});
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertTrue(WeightFormat.read(in).sameContent(a));
        assertTrue(WeightFormat.read(in).sameContent(b));
        assertEquals(42, in.read(), "what follows the models is left in the stream");
    }

    @Test
    void writerRefusesDivergedModelsNamingTheParameter() {
        NetConfig config = new NetConfig(CellType.GRU, 2, 3, 1, 1);
        RecurrentNet net = RecurrentNet.initialized(config, 4);
        net.parameters()[net.layout().weightHh(0).offset() + 3 * 2 + 1] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightFormat.toBytes(new SavedModel(net)));
        assertTrue(e.getMessage().contains("weight_hh_l0[2][1]") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void writerRefusesStringsUtf8CannotCarry() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.GRU, 1, 1, 1, 1), 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightFormat.toBytes(new SavedModel(net, Map.of("note", "half a pair \uD834"))));
        assertTrue(e.getMessage().contains("metadata value of 'note'"), e.getMessage());
    }

    @Test
    void savedModelValidatesAndShowsEveryField() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.GRU, 1, 1, 1, 1), 4);
        assertThrows(IllegalArgumentException.class, () -> new SavedModel(net, Map.of("", "x")));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> new SavedModel(net, nullValue));
        Map<String, String> mutable = new LinkedHashMap<>(Map.of("b", "2", "a", "1"));
        SavedModel m = new SavedModel(net, mutable);
        mutable.put("c", "3");
        assertEquals(List.of("a", "b"), List.copyOf(m.metadata().keySet()), "copied and key-ordered");
        assertThrows(UnsupportedOperationException.class, () -> m.metadata().put("x", "y"));
        assertEquals("SavedModel{net=RecurrentNet{NetConfig{cell=gru, inputSize=1, hiddenSize=1, numLayers=1, "
                + "outputSize=1}, parameters=14}, metadata={a=1, b=2}, scaler=none}", m.toString());
        assertTrue(ModelBytes.sample(CellType.GRU, 1, 1).toString().contains("scaler=StreamingScaler{features=2, count=10"));
    }
}
