package io.flowcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The step contract: caller-owned state, batch = many single steps, bad input rejected cleanly. */
class RecurrentNetTest {

    private static float[] randomInputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void batchedStepEqualsSingleStepsPerSeries(CellType cell) {
        NetConfig config = new NetConfig(cell, 3, 9, 2, 2);
        RecurrentNet net = RecurrentNet.initialized(config, 11);
        int batch = 13;
        int s = config.stateSize();
        float[] states = new float[batch * s];
        float[][] single = new float[batch][s];
        float[] outputs = new float[batch * 2];
        float[] out = new float[2];
        for (int t = 0; t < 5; t++) {
            float[] inputs = randomInputs(batch * 3, t);
            net.stepBatch(batch, states, inputs, outputs);
            for (int b = 0; b < batch; b++) {
                net.step(single[b], Arrays.copyOfRange(inputs, b * 3, b * 3 + 3), out);
                assertArrayEquals(out, Arrays.copyOfRange(outputs, b * 2, b * 2 + 2), 1e-6f);
            }
        }
        for (int b = 0; b < batch; b++) {
            assertArrayEquals(single[b], Arrays.copyOfRange(states, b * s, (b + 1) * s), 1e-6f);
        }
    }

    /**
     * LSTM runs one kernel for single and batched steps, chunk by chunk: several chunks plus a
     * partial one, inputs not a multiple of the 4-row blocks, two layers. Same arithmetic per series,
     * so the results are bit-identical.
     */
    @Test
    void lstmBatchedStepIsBitIdenticalToSingleStepsAcrossChunks() {
        for (int inputs : new int[] {2, 4, 6}) {
            NetConfig config = new NetConfig(CellType.LSTM, inputs, 20, 2, 3);
            RecurrentNet net = RecurrentNet.initialized(config, 5);
            int batch = 37;
            int s = config.stateSize();
            float[] states = new float[batch * s];
            float[][] single = new float[batch][s];
            float[] outputs = new float[batch * 3];
            float[] out = new float[3];
            for (int t = 0; t < 4; t++) {
                float[] x = randomInputs(batch * inputs, 100 + t);
                net.stepBatch(batch, states, x, outputs);
                for (int b = 0; b < batch; b++) {
                    net.step(single[b], Arrays.copyOfRange(x, b * inputs, (b + 1) * inputs), out);
                    assertArrayEquals(out, Arrays.copyOfRange(outputs, b * 3, b * 3 + 3), 0f);
                }
            }
            for (int b = 0; b < batch; b++) {
                assertArrayEquals(single[b], Arrays.copyOfRange(states, b * s, (b + 1) * s), 0f);
            }
        }
    }

    /** The chunk kernel against the independent double-precision forward pass, 4+ inputs included. */
    @Test
    void lstmBatchedStepMatchesDoubleReference() {
        for (int inputs : new int[] {3, 4, 7}) {
            NetConfig config = new NetConfig(CellType.LSTM, inputs, 24, 2, 2);
            RecurrentNet net = RecurrentNet.initialized(config, 9);
            double[] p = new double[net.parameters().length];
            for (int i = 0; i < p.length; i++) {
                p[i] = net.parameters()[i];
            }
            io.flowcast.model.reference.DoubleReferenceNet reference = new io.flowcast.model.reference.DoubleReferenceNet(config, p);
            int batch = 21;
            int steps = 5;
            float[] states = new float[batch * config.stateSize()];
            float[] outputs = new float[batch * 2];
            double[][][] x = new double[batch][steps][inputs];
            float[][] xs = new float[steps][];
            for (int t = 0; t < steps; t++) {
                xs[t] = randomInputs(batch * inputs, 300 + t);
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < inputs; i++) {
                        x[b][t][i] = xs[t][b * inputs + i];
                    }
                }
            }
            for (int t = 0; t < steps; t++) {
                net.stepBatch(batch, states, xs[t], outputs);
            }
            double[][] zeros = new double[2][24];
            for (int b = 0; b < batch; b++) {
                double[] expected = reference.run(x[b], zeros, zeros).headOutputs()[steps - 1];
                assertEquals(expected[0], outputs[b * 2], 1e-5);
                assertEquals(expected[1], outputs[b * 2 + 1], 1e-5);
            }
        }
    }

    @Test
    void stateLayoutIsHThenCPerLayer() {
        NetConfig lstm = new NetConfig(CellType.LSTM, 1, 4, 3, 1);
        assertEquals(24, lstm.stateSize());
        assertEquals(8, lstm.hiddenOffset(1));
        assertEquals(12, lstm.cellOffset(1));
        NetConfig gru = new NetConfig(CellType.GRU, 1, 4, 3, 1);
        assertEquals(12, gru.stateSize());
        assertEquals(8, gru.hiddenOffset(2));
        assertThrows(IllegalStateException.class, () -> gru.cellOffset(0));
    }

    @Test
    void stateLivesWithTheCallerSoTwoSeriesDoNotMix() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, 1, 8, 1, 1), 3);
        float[] a = net.newState();
        float[] b = net.newState();
        float[] out = new float[1];
        net.step(a, new float[] {1f}, out);
        float afterOne = out[0];
        net.step(b, new float[] {-5f}, out);
        net.step(b, new float[] {-5f}, out);
        float[] fresh = net.newState();
        net.step(fresh, new float[] {1f}, out);
        assertEquals(afterOne, out[0]);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void nonFiniteInputIsRejectedByNameAndStateIsUntouched() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.GRU, 2, 4, 1, 1), 3);
        float[] state = net.newState();
        float[] out = new float[1];
        net.step(state, new float[] {0.5f, 0.25f}, out);
        float[] before = state.clone();
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> net.step(state, new float[] {0.5f, Float.NaN}, out));
        assertTrue(nan.getMessage().contains("input[1] is NaN"), nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> net.step(state, new float[] {Float.NEGATIVE_INFINITY, 0f}, out));
        assertTrue(inf.getMessage().contains("-Infinity"), inf.getMessage());
        assertArrayEquals(before, state);
    }

    @Test
    void wrongLengthsAreRejected() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, 2, 4, 1, 3), 3);
        float[] out = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.step(new float[4], new float[2], out));
        assertTrue(e.getMessage().contains("state must have 8 floats, got 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.step(net.newState(), new float[3], out));
        assertThrows(IllegalArgumentException.class, () -> net.step(net.newState(), new float[2], new float[1]));
    }

    @Test
    void seededInitialisationIsRepeatableAndBoundedByOneOverSqrtH() {
        NetConfig config = new NetConfig(CellType.LSTM, 4, 16, 2, 2);
        RecurrentNet a = RecurrentNet.initialized(config, 99);
        RecurrentNet b = RecurrentNet.initialized(config, 99);
        RecurrentNet c = RecurrentNet.initialized(config, 100);
        assertTrue(a.sameWeights(b));
        assertFalse(a.sameWeights(c));
        float bound = 0.25f;
        float max = 0f;
        for (float p : a.parameters()) {
            max = Math.max(max, Math.abs(p));
        }
        assertTrue(max <= bound && max > 0.9f * bound, "max |p| " + max);
    }

    @Test
    void changedParametersTakeEffectAfterParametersChanged() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.RNN_TANH, 1, 3, 1, 1), 5);
        float[] out = new float[1];
        net.step(net.newState(), new float[] {1f}, out);
        float before = out[0];
        RecurrentNet copy = net.copy();
        net.parameters()[net.layout().headBias().offset()] += 1f;
        net.parametersChanged();
        net.step(net.newState(), new float[] {1f}, out);
        assertEquals(before + 1f, out[0], 1e-6f);
        copy.step(copy.newState(), new float[] {1f}, out);
        assertEquals(before, out[0]);
        assertNotEquals(net.parameters()[net.layout().headBias().offset()], copy.parameters()[copy.layout().headBias().offset()]);
    }
}
