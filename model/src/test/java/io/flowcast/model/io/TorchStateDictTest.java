package io.flowcast.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.SharedFiles;
import io.flowcast.model.parity.ParityCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TorchStateDictTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(SharedFiles.parityDir())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyCellTypeIsCovered() throws IOException {
        List<CellType> cells = cases().stream().map(p -> {
            try {
                return TorchStateDict.config(JSON.readTree(p.toFile())).cell();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().sorted().toList();
        assertEquals(List.of(CellType.values()), cells);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void loadsTheSameWeightsAsTheParityCase(Path file) throws IOException {
        ParityCase reference = ParityCase.load(file);
        RecurrentNet loaded = TorchStateDict.read(file);
        assertEquals(reference.config(), loaded.config());
        assertTrue(loaded.sameWeights(RecurrentNet.withParameters(reference.config(), reference.parameters())),
                file.getFileName().toString());
        // and it is the PyTorch network: first step's head output matches the reference
        float[] state = loaded.newState();
        for (int k = 0; k < reference.config().numLayers(); k++) {
            for (int j = 0; j < reference.config().hiddenSize(); j++) {
                state[reference.config().hiddenOffset(k) + j] = (float) reference.h0()[k][j];
                if (reference.c0() != null) {
                    state[reference.config().cellOffset(k) + j] = (float) reference.c0()[k][j];
                }
            }
        }
        float[] in = new float[reference.config().inputSize()];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) reference.inputs()[0][i];
        }
        float[] out = new float[reference.config().outputSize()];
        loaded.step(state, in, out);
        for (int o = 0; o < out.length; o++) {
            assertTrue(reference.forwardTolerance().accepts(out[o], reference.headOutputs()[0][o]),
                    "output " + o + ": " + out[o] + " vs " + reference.headOutputs()[0][o]);
        }
    }

    private static ObjectNode case06;

    /** A fresh copy of case06: GRU, input 5, hidden 16, 2 layers, 3 outputs. */
    private static ObjectNode case06() throws IOException {
        if (case06 == null) {
            Path file = cases().stream().filter(p -> p.getFileName().toString().startsWith("case06_gru"))
                    .findFirst().orElseThrow();
            case06 = (ObjectNode) JSON.readTree(file.toFile());
        }
        return case06.deepCopy();
    }

    private static String rejected(Consumer<ObjectNode> breakIt, String... messageParts) throws IOException {
        ObjectNode root = case06();
        breakIt.accept(root);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.fromJson(root));
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
        }
        return e.getMessage();
    }

    private static ObjectNode stateDict(ObjectNode root) {
        return (ObjectNode) root.get("state_dict");
    }

    private static ObjectNode head(ObjectNode root) {
        return (ObjectNode) root.get("head");
    }

    @Test
    void theUnbrokenCaseLoads() throws IOException {
        assertEquals(new NetConfig(CellType.GRU, 5, 16, 2, 3), TorchStateDict.fromJson(case06()).config());
    }

    @Test
    void missingTensorsAreNamed() throws IOException {
        rejected(r -> stateDict(r).remove("weight_hh_l1"), "state_dict lacks tensor 'weight_hh_l1'", "numLayers=2");
        rejected(r -> head(r).remove("bias"), "head lacks tensor 'bias'");
        rejected(r -> r.remove("head"), "missing object 'head'");
        rejected(r -> r.remove("state_dict"), "missing object 'state_dict'");
    }

    @Test
    void wrongShapesAreRefusedEvenWithTheRightNumberOfValues() throws IOException {
        rejected(r -> stateDict(r).set("weight_ih_l0", transpose(stateDict(r).get("weight_ih_l0"))),
                "'weight_ih_l0' has shape [5, 48]", "needs [48, 5]");
        rejected(r -> {
            ArrayNode wrapped = JSON.createArrayNode();
            wrapped.add(stateDict(r).get("bias_hh_l0"));
            stateDict(r).set("bias_hh_l0", wrapped);
        }, "'bias_hh_l0' has shape [1, 48]", "needs [48]");
        rejected(r -> r.put("hidden_size", 15), "'weight_ih_l0' has shape [48, 5]", "needs [45, 5]");
        rejected(r -> r.put("output_size", 2), "head tensor 'weight' has shape [3, 16]", "needs [2, 16]");
    }

    @Test
    void tensorsTheConfigDoesNotHaveAreRefused() throws IOException {
        rejected(r -> stateDict(r).set("weight_ih_l0_reverse", stateDict(r).get("weight_ih_l0")),
                "unexpected tensor 'weight_ih_l0_reverse' in state_dict", "bidirectional");
        rejected(r -> r.put("num_layers", 1), "unexpected tensor 'weight_ih_l1'");
        rejected(r -> head(r).set("scale", head(r).get("bias")), "unexpected tensor 'scale' in head");
    }

    @Test
    void badValuesAndFieldsAreRefused() throws IOException {
        rejected(r -> ((ArrayNode) stateDict(r).get("weight_hh_l0").get(2)).set(7, JSON.getNodeFactory().textNode("0.1")),
                "'weight_hh_l0'", "element [2][7] is string");
        rejected(r -> ((ArrayNode) head(r).get("bias")).set(1, JSON.getNodeFactory().numberNode(1e39)),
                "head tensor 'bias' element 1 is 1.0E39, not a finite float32");
        rejected(r -> r.put("cell", "gruu"), "unknown cell type 'gruu'");
        rejected(r -> r.put("input_size", "5"), "'input_size' must be an integer");
        rejected(r -> r.put("input_size", 5.5), "'input_size' must be an integer");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
        ObjectNode root = case06();
        stateDict(root).remove("bias_ih_l0");
        Path file = dir.resolve("broken.json");
        JSON.writeValue(file.toFile(), root);
        IOException e = assertThrows(IOException.class, () -> TorchStateDict.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a loadable state_dict: state_dict lacks tensor 'bias_ih_l0'"),
                e.getMessage());
    }

    private static ArrayNode transpose(JsonNode m) {
        ArrayNode t = JSON.createArrayNode();
        for (int c = 0; c < m.get(0).size(); c++) {
            ArrayNode row = t.addArray();
            for (JsonNode r : m) {
                row.add(r.get(c));
            }
        }
        return t;
    }
}
