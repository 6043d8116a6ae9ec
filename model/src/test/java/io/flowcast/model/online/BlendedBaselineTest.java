package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlendedBaselineTest {

    @Test
    void fitsTheLeastSquaresCoefficientsPerHorizonAndLeavesResiduals() {
        // horizon 0: target = 0.25 last + 0.75 reference; horizon 1: target = 0.8 last (damped persistence)
        float[] last = {1, 4, -2, 3};
        float[] ref = {0, 1, 2, -1};
        float[] targets = new float[8];
        float[] baselines = new float[16];
        for (int s = 0; s < 4; s++) {
            targets[2 * s] = 0.25f * last[s] + 0.75f * ref[s];
            targets[2 * s + 1] = 0.8f * last[s];
            for (int k = 0; k < 2; k++) {
                baselines[2 * (2 * s + k)] = last[s];
                baselines[2 * (2 * s + k) + 1] = ref[s];
            }
        }
        targets[7] = Float.NaN; // a missing target stays missing and is left out of the fit
        float[] c = new float[2 * 2]; // two inputs per horizon, as the first release's baseline
        BlendedBaseline.fitAndSubtract(2, targets, baselines, c);
        assertEquals(0.25f, c[0], 1e-5f);
        assertEquals(0.75f, c[1], 1e-5f);
        assertEquals(0.8f, c[2], 1e-5f);
        assertEquals(0f, c[3], 1e-5f);
        for (int i = 0; i < 7; i++) {
            assertEquals(0f, targets[i], 1e-5f, "residual " + i);
        }
        assertTrue(Float.isNaN(targets[7]));
    }

    @Test
    void withoutReferenceItIsScaledPersistence() {
        float[] targets = {2f, 4f};
        float[] baselines = {1f, Float.NaN, 2f, Float.NaN};
        float[] c = new float[2];
        BlendedBaseline.fitAndSubtract(1, targets, baselines, c);
        assertEquals(2f, c[0], 1e-5f);
        assertEquals(0f, c[1]);
        assertEquals(6f, BlendedBaseline.value(c, 1, 0, new float[] {3f, Float.NaN}, 0), 1e-5f);
    }
}
