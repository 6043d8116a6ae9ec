package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW on a separable quadratic {@code f(p) = 0.5 sum a_i (p_i - c_i)^2}, against hand
 * arithmetic for single steps and against a double-precision transcription of the textbook
 * algorithm (Kingma and Ba; Loshchilov and Hutter for AdamW) for several steps.
 */
class OptimizerTest {

    private static final double[] A = {1.0, 4.0, 0.5, 2.0};
    private static final double[] C = {2.0, -1.0, 0.5, 3.0};
    private static final double[] P0 = {1.0, 0.5, 0.5, -1.0};

    private static float[] gradient(float[] p) {
        float[] g = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = (float) A[i] * (p[i] - (float) C[i]);
        }
        return g;
    }

    private static float[] floats(double... values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The reference: textbook Adam/AdamW in double, p updated in place for {@code steps} steps. */
    private static double[] reference(AdamSettings s, boolean decoupled, int steps) {
        int n = P0.length;
        double[] p = P0.clone();
        double[] m = new double[n];
        double[] v = new double[n];
        for (int t = 1; t <= steps; t++) {
            for (int i = 0; i < n; i++) {
                double g = A[i] * (p[i] - C[i]);
                if (decoupled) {
                    p[i] *= 1 - s.learningRate() * s.weightDecay();
                } else {
                    g += s.weightDecay() * p[i];
                }
                m[i] = s.beta1() * m[i] + (1 - s.beta1()) * g;
                v[i] = s.beta2() * v[i] + (1 - s.beta2()) * g * g;
                double mHat = m[i] / (1 - Math.pow(s.beta1(), t));
                double vHat = v[i] / (1 - Math.pow(s.beta2(), t));
                p[i] -= s.learningRate() * mHat / (Math.sqrt(vHat) + s.eps());
            }
        }
        return p;
    }

    private static float[] run(Optimizer opt, int steps) {
        float[] p = floats(P0);
        for (int t = 0; t < steps; t++) {
            opt.step(p, gradient(p));
        }
        return p;
    }

    @Test
    void firstAdamStepMovesByLearningRateTimesGOverAbsGPlusEps() {
        // With m-hat = g and sqrt(v-hat) = |g| after one step, the move is lr * g / (|g| + eps);
        // a large eps shows it is added after the bias correction: 0.1 * 1 / (1 + 0.1).
        AdamSettings s = new AdamSettings(0.1, 0.9, 0.999, 0.1, 0);
        float[] p = {1f, 0.5f};
        new Adam(s, 2).step(p, new float[] {-1f, 0f});
        assertEquals(1 + 0.1 / 1.1, p[0], 1e-7);
        assertEquals(0.5f, p[1], 0f, "a zero gradient must not move the parameter");
    }

    @Test
    void adamWeightDecayGoesThroughTheGradientWhileAdamWShrinksTheWeight() {
        // p = 1, g = -1, lr = 0.1, wd = 3. Adam: g' = -1 + 3 * 1 = 2, so p moves down by lr.
        // AdamW: p shrinks to 1 * (1 - 0.3) = 0.7, then moves up by lr along -g.
        AdamSettings s = AdamSettings.of(0.1).withWeightDecay(3);
        float[] adam = {1f};
        new Adam(s, 1).step(adam, new float[] {-1f});
        float[] adamW = {1f};
        new AdamW(s, 1).step(adamW, new float[] {-1f});
        assertEquals(0.9, adam[0], 1e-6);
        assertEquals(0.8, adamW[0], 1e-6);
    }

    @Test
    void severalStepsMatchTheDoublePrecisionReference() {
        check(new AdamSettings(0.05, 0.9, 0.999, 1e-8, 0), false, Adam::new);
        check(new AdamSettings(0.05, 0.9, 0.999, 1e-8, 0.2), false, Adam::new);
        check(new AdamSettings(0.05, 0.9, 0.999, 1e-8, 0.2), true, AdamW::new);
        // beta1 < 0.5 takes torch's other lerp formula.
        check(new AdamSettings(0.02, 0.3, 0.95, 1e-3, 0.01), true, AdamW::new);
        check(new AdamSettings(0.02, 0.3, 0.95, 1e-3, 0.01), false, Adam::new);
    }

    private static void check(AdamSettings s, boolean decoupled, BiFunction<AdamSettings, Integer, Optimizer> make) {
        for (int steps : new int[] {1, 2, 7}) {
            Optimizer opt = make.apply(s, P0.length);
            float[] ours = run(opt, steps);
            double[] ref = reference(s, decoupled, steps);
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], ours[i], 2e-6, opt + " after " + steps + " steps, parameter " + i);
            }
            assertEquals(steps, opt.state().steps());
        }
        // The reference must be sensitive to the variant: Adam and AdamW differ whenever decay is on.
        if (s.weightDecay() > 0) {
            double[] other = reference(s, !decoupled, 7);
            double[] ref = reference(s, decoupled, 7);
            assertNotClose(ref, other);
        }
    }

    private static void assertNotClose(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        if (worst < 1e-4) {
            throw new AssertionError("Adam and AdamW references coincide: the check could not tell them apart");
        }
    }

    @Test
    void restoringSavedStateContinuesBitForBit() {
        AdamSettings s = AdamSettings.of(0.05).withWeightDecay(0.1);
        AdamW first = new AdamW(s, P0.length);
        float[] p = run(first, 3);
        float[] savedP = p.clone();
        float[] savedM = first.state().firstMoment().clone();
        float[] savedV = first.state().secondMoment().clone();
        long savedSteps = first.state().steps();
        for (int t = 0; t < 4; t++) {
            first.step(p, gradient(p));
        }

        AdamW resumed = new AdamW(s, P0.length);
        resumed.state().restore(savedM, savedV, savedSteps);
        float[] q = savedP.clone();
        for (int t = 0; t < 4; t++) {
            resumed.step(q, gradient(q));
        }
        assertArrayEquals(p, q);
        assertEquals(7, resumed.state().steps());

        // Without the step count the bias correction restarts, and the path differs.
        AdamW wrongStep = new AdamW(s, P0.length);
        wrongStep.state().restore(savedM, savedV, 0);
        float[] r = savedP.clone();
        wrongStep.step(r, gradient(r));
        float[] right = savedP.clone();
        AdamW again = new AdamW(s, P0.length);
        again.state().restore(savedM, savedV, savedSteps);
        again.step(right, gradient(right));
        assertNotClose(new double[] {r[0], r[1], r[3]}, new double[] {right[0], right[1], right[3]});
    }

    @Test
    void rejectsMismatchedArraysAndBadSettings() {
        Adam adam = new Adam(AdamSettings.of(0.1), 3);
        assertThrows(IllegalArgumentException.class, () -> adam.step(new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> AdamSettings.of(0));
        assertThrows(IllegalArgumentException.class, () -> new AdamSettings(0.1, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> AdamSettings.of(0.1).withWeightDecay(-1));
    }
}
