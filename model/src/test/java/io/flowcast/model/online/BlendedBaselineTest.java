package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlendedBaselineTest {

    @Test
    void fitsTheLeastSquaresWeightPerHorizonAndLeavesResiduals() {
        // horizon 0: targets = 0.25 * last + 0.75 * reference exactly; horizon 1: targets = reference
        float[] last = {1, 4, -2, 3};
        float[] ref = {0, 1, 2, -1};
        float[] targets = new float[8];
        float[] baselines = new float[16];
        for (int s = 0; s < 4; s++) {
            targets[2 * s] = 0.25f * last[s] + 0.75f * ref[s];
            targets[2 * s + 1] = ref[s];
            for (int k = 0; k < 2; k++) {
                baselines[2 * (2 * s + k)] = last[s];
                baselines[2 * (2 * s + k) + 1] = ref[s];
            }
        }
        targets[7] = Float.NaN; // missing target stays missing
        float[] w = new float[2];
        BlendedBaseline.fitAndSubtract(2, targets, baselines, w);
        assertEquals(0.25f, w[0], 1e-6f);
        assertEquals(0f, w[1], 1e-6f);
        for (int i = 0; i < 7; i++) {
            assertEquals(0f, targets[i], 1e-5f, "residual " + i);
        }
        assertTrue(Float.isNaN(targets[7]));
    }

    @Test
    void weightIsClippedAndNoReferenceMeansPersistence() {
        float[] targets = {10f};
        float[] baselines = {1f, 0f}; // target far beyond last: w would be 10
        float[] w = new float[1];
        BlendedBaseline.fitAndSubtract(1, targets, baselines, w);
        assertEquals(1f, w[0]);
        assertEquals(9f, targets[0]);
        assertEquals(3f, BlendedBaseline.value(0.2f, 3f, Float.NaN));
        assertEquals(0.2f * 3f + 0.8f * 1f, BlendedBaseline.value(0.2f, 3f, 1f), 1e-6f);
    }
}
