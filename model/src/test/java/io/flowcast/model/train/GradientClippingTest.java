package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void scalesAllGradientsTogetherToTheMaxNorm() {
        float[] g = {3f, 0f, -4f};
        double norm = GradientClipping.clipByGlobalNorm(g, 1.0);
        assertEquals(5.0, norm, 1e-12);
        // PyTorch's factor max / (norm + 1e-6): the direction stays, the norm lands just under 1.
        float f = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3f * f, 0f, -4f * f}, g);
        assertEquals(1.0 - 2e-7, GradientClipping.globalNorm(g), 1e-7);
    }

    @Test
    void leavesGradientsUnderTheMaxUntouched() {
        float[] g = {0.3f, -0.4f};
        assertEquals(0.5, GradientClipping.clipByGlobalNorm(g, 10.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, g);
    }

    @Test
    void theNormCoversEveryElementNotJustTheLargest() {
        float[] g = new float[100];
        java.util.Arrays.fill(g, 1f);
        assertEquals(10.0, GradientClipping.clipByGlobalNorm(g, 5.0), 1e-12);
        for (float v : g) {
            assertEquals(0.5, v, 1e-6);
        }
    }

    @Test
    void aNonFiniteNormIsReportedAndTheGradientsAreLeftAlone() {
        float[] g = {1f, Float.NaN, 2f};
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(g, 1.0)));
        assertEquals(1f, g[0]);
        float[] h = {1f, Float.POSITIVE_INFINITY};
        assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(h, 1.0));
        assertEquals(1f, h[0]);
    }
}
