package io.flowcast.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.SharedFiles;
import io.flowcast.model.parity.ParityCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The double reference reproduces PyTorch's float64 results to 1e-9: it is a trustworthy judge for
 * the finite-difference check.
 */
class DoubleReferenceMatchesPyTorchTest {

    private static final double TOL = 1e-9;

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(SharedFiles.parityDir())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    /** The case's parameters in layout order, kept in double (ParityCase.parameters() rounds to float). */
    static double[] doubleParameters(ParityCase c) {
        ParameterLayout layout = new ParameterLayout(c.config());
        double[] out = new double[layout.size()];
        for (ParameterLayout.Tensor t : layout.tensors()) {
            Map<String, double[]> from = t.name().startsWith("head.") ? c.head() : c.stateDict();
            String key = t.name().startsWith("head.") ? t.name().substring(5) : t.name();
            System.arraycopy(from.get(key), 0, out, t.offset(), t.size());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndLossMatchToOneInABillion(Path file) throws IOException {
        ParityCase c = ParityCase.load(file);
        NetConfig config = c.config();
        DoubleReferenceNet ref = new DoubleReferenceNet(config, doubleParameters(c));
        boolean lstm = config.cell() == CellType.LSTM;
        DoubleReferenceNet.Trace trace = ref.run(c.inputs(), c.h0(), lstm ? c.c0() : null);

        for (int t = 0; t < c.inputs().length; t++) {
            for (int u = 0; u < config.hiddenSize(); u++) {
                assertEquals(c.outputs()[t][u], trace.outputs()[t][u], TOL, "outputs[" + t + "][" + u + "]");
            }
            for (int o = 0; o < config.outputSize(); o++) {
                assertEquals(c.headOutputs()[t][o], trace.headOutputs()[t][o], TOL, "head_outputs[" + t + "][" + o + "]");
            }
        }
        for (int k = 0; k < config.numLayers(); k++) {
            for (int u = 0; u < config.hiddenSize(); u++) {
                assertEquals(c.hN()[k][u], trace.hN()[k][u], TOL, "h_n[" + k + "][" + u + "]");
                if (lstm) {
                    assertEquals(c.cN()[k][u], trace.cN()[k][u], TOL, "c_n[" + k + "][" + u + "]");
                }
            }
        }
        double loss = ref.mseLoss(new double[][][] {c.inputs()}, new double[][][] {c.h0()},
                lstm ? new double[][][] {c.c0()} : null, new double[][][] {c.targets()}, true);
        assertEquals(c.loss(), loss, TOL * Math.max(1, Math.abs(c.loss())), "loss");
    }
}
