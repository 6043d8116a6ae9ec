package io.flowcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fast activations against java.lang.Math in double, across and beyond their useful range. */
class ActivationsTest {

    @Test
    void tanhIsWithinFourTenMillionthsAbsoluteAndRelative() {
        double worstAbs = 0;
        double worstRel = 0;
        for (float x = -30f; x <= 30f; x += 0.000731f) {
            double ref = Math.tanh(x);
            double err = Math.abs(Activations.tanh(x) - ref);
            worstAbs = Math.max(worstAbs, err);
            if (Math.abs(ref) > 1e-30) {
                worstRel = Math.max(worstRel, err / Math.abs(ref));
            }
        }
        assertTrue(worstAbs < 4e-7, "worst absolute error " + worstAbs);
        assertTrue(worstRel < 4e-7, "worst relative error " + worstRel);
    }

    @Test
    void tanhKeepsTinyArgumentsAndSaturates() {
        assertEquals(1e-8f, Activations.tanh(1e-8f), 1e-15f);
        assertEquals(Math.tanh(-1e-3), Activations.tanh(-1e-3f), 1e-3 * 4e-7);
        assertEquals(1f, Activations.tanh(50f), 1e-6f);
        assertEquals(-1f, Activations.tanh(-1e30f), 1e-6f);
        assertEquals(0f, Activations.tanh(0f));
    }

    @Test
    void sigmoidIsWithinFourTenMillionthsEverywhere() {
        double worst = 0;
        for (float x = -40f; x <= 40f; x += 0.000917f) {
            double ref = 1.0 / (1.0 + Math.exp(-x));
            worst = Math.max(worst, Math.abs(Activations.sigmoid(x) - ref));
        }
        assertTrue(worst < 4e-7, "worst absolute error " + worst);
        assertEquals(0.5f, Activations.sigmoid(0f), 1e-7f);
        assertEquals(0.7310585786f, Activations.sigmoid(1f), 3e-7f);
    }

    @Test
    void arrayPassesTouchOnlyTheirRange() {
        float[] a = {2f, 2f, 2f, 2f, -3f, -3f};
        Activations.sigmoid(a, 1, 3);
        Activations.tanh(a, 3, 4);
        Activations.relu(a, 4, 5);
        assertEquals(2f, a[0]);
        assertEquals(Activations.sigmoid(2f), a[1]);
        assertEquals(Activations.sigmoid(2f), a[2]);
        assertEquals(Activations.tanh(2f), a[3]);
        assertEquals(0f, a[4]);
        assertEquals(-3f, a[5]);
    }
}
