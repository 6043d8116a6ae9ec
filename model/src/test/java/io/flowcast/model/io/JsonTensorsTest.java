package io.flowcast.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTensorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void matrixFlattensRowMajorWithItsShape() throws Exception {
        JsonNode m = json("[[1, 2, 3], [4, 5, 6]]");
        assertArrayEquals(new int[] {2, 3}, JsonTensors.shape(m));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, JsonTensors.flatten(m));
    }

    @Test
    void rank3AndScalarAndVector() throws Exception {
        JsonNode t = json("[[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]");
        assertArrayEquals(new int[] {3, 2, 2}, JsonTensors.shape(t));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, JsonTensors.flatten(t));
        assertArrayEquals(new int[0], JsonTensors.shape(json("0.25")));
        assertArrayEquals(new double[] {0.25}, JsonTensors.flatten(json("0.25")));
        assertArrayEquals(new int[] {3}, JsonTensors.shape(json("[-1.5e-3, 0, 7]")));
        assertArrayEquals(new double[] {-1.5e-3, 0, 7}, JsonTensors.flatten(json("[-1.5e-3, 0, 7]")));
    }

    @Test
    void doublesKeepFullPrecision() throws Exception {
        assertEquals(-0.3724194643049402, JsonTensors.flatten(json("[-0.3724194643049402]"))[0], 0.0);
    }

    @Test
    void raggedTensorIsRejectedNamingTheRow() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonTensors.flatten(json("[[1, 2], [3], [4, 5]]")));
        assertTrue(e.getMessage().contains("ragged") && e.getMessage().contains("[1]"), e.getMessage());
    }

    @Test
    void nonNumericElementIsRejectedNotReadAsZero() throws Exception {
        for (String bad : List.of("[[1, 2], [3, \"4\"]]", "[1, null]", "[true]", "[[1], 2]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JsonTensors.flatten(json(bad)), bad);
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void flattenAllNamesTheBadTensor() throws Exception {
        Map<String, double[]> ok = JsonTensors.flattenAll(json("{\"a\": [1, 2], \"b\": [[3]]}"));
        assertEquals(List.of("a", "b"), List.copyOf(ok.keySet()));
        assertArrayEquals(new double[] {3}, ok.get("b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonTensors.flattenAll(json("{\"a\": [1, 2], \"bias\": [1, \"x\"]}")));
        assertTrue(e.getMessage().startsWith("tensor 'bias'"), e.getMessage());
    }
}
