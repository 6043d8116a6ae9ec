package io.flowcast.model.parity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.SharedFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parity check must be able to fail: with the case's parameters corrupted in ways a loader or a
 * kernel could plausibly get wrong (gate order, a lost bias, a transposed matrix), it reports
 * mismatches. Each test first confirms the same case passes with its true parameters, so the
 * failure comes from the corruption alone.
 */
class ParityCheckCatchesBrokenParametersTest {

    static Stream<String> lstmCases() {
        return Stream.of("case00_lstm_i1_h4_l1_o1", "case01_lstm_i3_h8_l1_o2", "case02_lstm_i5_h16_l2_o3",
                "case03_lstm_i2_h32_l3_o1");
    }

    static Stream<String> gruCases() {
        return Stream.of("case04_gru_i1_h4_l1_o1", "case05_gru_i3_h8_l1_o2", "case06_gru_i5_h16_l2_o3");
    }

    /** Plain RNN cases: weight_hh is H x H, so it can be transposed in place. */
    static Stream<String> squareCases() {
        return Stream.of("case08_rnn_tanh_i1_h4_l1_o1", "case09_rnn_tanh_i4_h12_l2_o2", "case10_rnn_relu_i3_h6_l1_o1",
                "case11_rnn_relu_i2_h10_l2_o2");
    }

    static Stream<String> allCases() {
        return Stream.of(lstmCases(), gruCases(), squareCases()).flatMap(s -> s);
    }

    private static ParityCase load(String name) throws IOException {
        Path file = SharedFiles.parityDir().resolve(name + ".json");
        ParityCase c = ParityCase.load(file);
        assertTrue(ParityCheck.run(c, c.parameters()).passed(), name + " must pass with its own parameters");
        return c;
    }

    private static void assertFails(ParityCase c, float[] corrupted, String what) {
        assertFalse(Arrays.equals(c.parameters(), corrupted), "the corruption changed nothing");
        ParityCheck.Result result = ParityCheck.run(c, corrupted);
        assertFalse(result.passed(), c.name() + ": parity check passed with " + what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lstmCases")
    void failsWhenLstmInputAndForgetGatesAreSwapped(String name) throws IOException {
        ParityCase c = load(name);
        assertTrue(c.config().cell() == CellType.LSTM);
        assertFails(c, swapGateBlocks(c, 0, 1), "gate blocks i and f swapped");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gruCases")
    void failsWhenGruResetAndUpdateGatesAreSwapped(String name) throws IOException {
        ParityCase c = load(name);
        assertFails(c, swapGateBlocks(c, 0, 1), "gate blocks r and z swapped");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
    void failsWhenABiasIsZeroed(String name) throws IOException {
        ParityCase c = load(name);
        for (String bias : new String[] {"bias_ih_l0", "bias_hh_l0", "head.bias"}) {
            float[] p = c.parameters();
            ParameterLayout.Tensor t = new ParameterLayout(c.config()).tensor(bias);
            Arrays.fill(p, t.offset(), t.offset() + t.size(), 0f);
            assertFails(c, p, bias + " zeroed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("squareCases")
    void failsWhenTheRecurrentWeightIsTransposed(String name) throws IOException {
        ParityCase c = load(name);
        float[] p = c.parameters();
        ParameterLayout.Tensor w = new ParameterLayout(c.config()).weightHh(0);
        assertTrue(w.rows() == w.cols(), "needs a square weight_hh");
        int n = w.rows();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int a = w.offset() + i * n + j;
                int b = w.offset() + j * n + i;
                float tmp = p[a];
                p[a] = p[b];
                p[b] = tmp;
            }
        }
        assertFails(c, p, "weight_hh_l0 transposed");
    }

    /** Swaps gate blocks {@code g1} and {@code g2} (H rows each) in every weight and bias of every layer. */
    private static float[] swapGateBlocks(ParityCase c, int g1, int g2) {
        float[] p = c.parameters();
        ParameterLayout layout = new ParameterLayout(c.config());
        int hidden = c.config().hiddenSize();
        for (int k = 0; k < c.config().numLayers(); k++) {
            for (ParameterLayout.Tensor t : new ParameterLayout.Tensor[] {
                    layout.weightIh(k), layout.weightHh(k), layout.biasIh(k), layout.biasHh(k)}) {
                int block = hidden * t.cols();
                int a = t.offset() + g1 * block;
                int b = t.offset() + g2 * block;
                for (int i = 0; i < block; i++) {
                    float tmp = p[a + i];
                    p[a + i] = p[b + i];
                    p[b + i] = tmp;
                }
            }
        }
        return p;
    }
}
