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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ServingModelFormatTest {

    static ServingModel sample(boolean withNet) {
        ServingModel.Shape shape = new ServingModel.Shape(3, 6, 12, 2, false);
        TreeMap<String, StreamingScaler> scalers = new TreeMap<>();
        StreamingScaler a = new StreamingScaler(1);
        a.update(new float[] {1f});
        a.update(new float[] {4f});
        scalers.put("station/a", a);
        scalers.put("b", new StreamingScaler(1));
        RecurrentNet net = withNet ? RecurrentNet.initialized(new NetConfig(CellType.GRU, 12, 5, 1, 3), 9L) : null;
        return new ServingModel("beijing", 7, shape, net, new float[] {0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f},
                new float[0], scalers, new ServingModel.Info(1_700_000_000_000L, 400, 0.25, 0.5, 1234));
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

    private static Problem problem(byte[] bytes) {
        return assertThrows(ModelFormatException.class, () -> ServingModelFormat.fromBytes(bytes)).problem();
    }
}
