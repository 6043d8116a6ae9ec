package io.flowcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The two LSTM matrix kernels must give the same bits (the Vector API one is chosen only for speed)
 * and both must compute {@code b_ih + b_hh + W_ih x + W_hh h} into the right gate plane.
 */
class GateKernelsTest {

    @Test
    void testsRunTheVectorApiKernel() {
        assumeTrue(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256, "this CPU has no 256-bit vectors");
        assumeTrue(Boolean.parseBoolean(System.getProperty("flowcast.vectorApi", "true")),
                "a run of the whole suite on the plain kernel (-Dflowcast.vectorApi=false)");
        // Surefire starts the JVM with --add-modules jdk.incubator.vector, as the README's commands do.
        assertTrue(GateKernels.vectorApi(64), GateKernels.describe(64));
        assertTrue(GateKernels.describe(64).startsWith("Vector API"), GateKernels.describe(64));
    }

    @ParameterizedTest(name = "H={0} inputs={1} series={2}")
    @CsvSource({"16,1,1", "16,5,16", "32,2,3", "32,32,4", "64,4,1", "64,4,5", "64,4,16", "64,7,13", "64,64,16",
            "128,4,9"})
    void bothKernelsGiveTheSameBitsAndTheRightSums(int hidden, int inputs, int series) {
        assumeTrue(VectorApiGates.supports(hidden), "no Vector API kernel for H=" + hidden + " here");
        SplittableRandom random = new SplittableRandom(hidden * 31L + inputs * 7L + series);
        NetConfig config = new NetConfig(CellType.LSTM, inputs, hidden, 1, 1);
        ParameterLayout layout = new ParameterLayout(config);
        float[] params = new float[layout.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        LayerWeights w = new LayerWeights(inputs, hidden, 4 * hidden, true);
        w.load(params, layout, 0);
        // Inputs and states strided as the net lays them out, with junk between series.
        int xStride = inputs + 3;
        int hStride = 2 * hidden + 5;
        float[] x = randomArray(random, series * xStride + 2);
        float[] h = randomArray(random, series * hStride + 7);

        float[][] plain = planes(hidden);
        float[][] vector = planes(hidden);
        new AutoVectorizedGates(hidden).compute(w, series, x, 2, xStride, h, 7, hStride, plain);
        new VectorApiGates(hidden, Math.max(inputs, hidden)).compute(w, series, x, 2, xStride, h, 7, hStride, vector);
        for (int q = 0; q < 4; q++) {
            assertArrayEquals(plain[q], vector[q], "gate " + q);
        }

        int wih = layout.weightIh(0).offset();
        int whh = layout.weightHh(0).offset();
        int bih = layout.biasIh(0).offset();
        int bhh = layout.biasHh(0).offset();
        for (int s = 0; s < series; s++) {
            for (int r = 0; r < 4 * hidden; r++) {
                double expected = (double) params[bih + r] + params[bhh + r];
                for (int j = 0; j < inputs; j++) {
                    expected += (double) params[wih + r * inputs + j] * x[2 + s * xStride + j];
                }
                for (int j = 0; j < hidden; j++) {
                    expected += (double) params[whh + r * hidden + j] * h[7 + s * hStride + j];
                }
                float got = vector[r / hidden][s * hidden + r % hidden];
                assertEquals(expected, got, 1e-5 * (1 + Math.abs(expected)), "series " + s + " row " + r);
            }
        }
    }

    private static float[][] planes(int hidden) {
        return new float[4][LstmChunk.SERIES * hidden];
    }

    private static float[] randomArray(SplittableRandom random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }
}
