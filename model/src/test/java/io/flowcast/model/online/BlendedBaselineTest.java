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

    /**
     * 400 samples, one horizon, {@link BaselineFeatures#COUNT} inputs: x (input 0), a seasonal input
     * (1) and the target; the last {@code 100} are held out.
     */
    private static float[][] rows(java.util.function.IntFunction<float[]> xSeasonTarget) {
        int n = 400;
        float[] targets = new float[n];
        float[] baselines = new float[n * BaselineFeatures.COUNT];
        for (int s = 0; s < n; s++) {
            float[] v = xSeasonTarget.apply(s);
            baselines[s * BaselineFeatures.COUNT] = v[0];
            baselines[s * BaselineFeatures.COUNT + 1] = v[1];
            targets[s] = v[2];
        }
        return new float[][] {targets, baselines};
    }

    @Test
    void aSeasonalInputThatOnlyFitsTheFittedRowsIsDroppedOnTheHeldOutOnes() {
        java.util.Random random = new java.util.Random(3);
        float[][] d = rows(s -> {
            float x = (float) random.nextGaussian();
            float noise = (float) random.nextGaussian() * 0.5f;
            // fitted rows: the "season" happens to carry the noise; held-out rows: it does not
            float season = s < 300 ? noise : (float) random.nextGaussian();
            return new float[] {x, season, 0.5f * x + noise};
        });
        float[] c = new float[BaselineFeatures.COUNT];
        BlendedBaseline.fitAndSubtract(1, d[0], d[1], c, 300);
        assertEquals(0f, c[1], 0f, "the seasonal input's coefficient");
        assertEquals(0.5f, c[0], 0.1f);
    }

    @Test
    void aSeasonalInputThatHoldsOnTheHeldOutRowsIsKept() {
        java.util.Random random = new java.util.Random(4);
        float[][] d = rows(s -> {
            float x = (float) random.nextGaussian();
            float season = (float) random.nextGaussian();
            return new float[] {x, season, 0.5f * x + 0.5f * season + 0.01f * (float) random.nextGaussian()};
        });
        float[] c = new float[BaselineFeatures.COUNT];
        BlendedBaseline.fitAndSubtract(1, d[0], d[1], c, 300);
        assertEquals(0.5f, c[0], 0.02f);
        assertEquals(0.5f, c[1], 0.02f);
    }

    @Test
    void persistenceServesWhereNoFitBeatsItOnTheHeldOutRows() {
        java.util.Random random = new java.util.Random(5);
        float[][] d = rows(s -> {
            float x = (float) random.nextGaussian();
            // fitted rows revert the last value, held-out rows keep it
            return new float[] {x, 0f, s < 300 ? -x : x};
        });
        float[] c = new float[BaselineFeatures.COUNT];
        BlendedBaseline.fitAndSubtract(1, d[0], d[1], c, 300);
        float[] persistence = new float[BaselineFeatures.COUNT];
        persistence[0] = 1f;
        org.junit.jupiter.api.Assertions.assertArrayEquals(persistence, c, 0f);
        assertEquals(0f, d[0][350], 0f, "a held-out residual over persistence");
        assertEquals(-2 * d[1][0], d[0][0], 1e-6f, "a fitted row's residual over persistence");
    }
}
