package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowedSamplesTest {

    @Test
    void fromSeriesSlidesAWindowAndTargetsTheNextValues() {
        float[] series = {0, 1, 2, 3, 4, 5, 6};
        WindowedSamples s = WindowedSamples.fromSeries(series, 3, 2);
        assertEquals(3, s.count()); // windows start at 0, 1, 2; the last needs values 5 and 6 after it
        assertEquals(3, s.steps());
        assertEquals(1, s.inputSize());
        assertEquals(2, s.outputSize());
        assertEquals(1f, s.input(1, 0, 0));
        assertEquals(4f, s.input(2, 2, 0));
        assertEquals(5f, s.target(2, 0));
        assertEquals(6f, s.target(2, 1));
        assertEquals(3f, s.target(0, 0));
    }

    @Test
    void constructorCopiesAndSliceKeepsOrder() {
        float[] inputs = {1, 2, 3, 4, 5, 6}; // 3 samples x 1 step x 2 features
        float[] targets = {10, 20, Float.NaN};
        WindowedSamples s = new WindowedSamples(1, 2, 1, inputs, targets);
        inputs[0] = Float.NaN; // the caller's array is not the sample set's
        assertEquals(1f, s.input(0, 0, 0));
        WindowedSamples tail = s.slice(1, 3);
        assertEquals(2, tail.count());
        assertEquals(3f, tail.input(0, 0, 0));
        assertEquals(6f, tail.input(1, 0, 1));
        assertTrue(Float.isNaN(tail.target(1, 0)));
        assertEquals(0, s.slice(3, 3).count());
        assertEquals(2, s.presentTargets());
    }

    @Test
    void rejectsPartialSamplesInfiniteTargetsAndShortSeries() {
        assertThrows(IllegalArgumentException.class, () -> new WindowedSamples(2, 1, 1, new float[5], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new WindowedSamples(2, 1, 1, new float[4], new float[3]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WindowedSamples(1, 1, 1, new float[2], new float[] {0f, Float.NEGATIVE_INFINITY}));
        assertTrue(e.getMessage().contains("sample 1 of 2, target 0 is infinite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WindowedSamples.fromSeries(new float[4], 3, 2));
    }

    /**
     * Each input encodes its sample, step and feature (1000 s + 10 t + i), so the time-major
     * layout of every batch can be decoded and checked, as can "every sample exactly once".
     */
    @Test
    void miniBatchesAreTimeMajorAndCoverEverySampleOncePerEpoch() {
        int count = 23;
        int steps = 4;
        int in = 2;
        float[] inputs = new float[count * steps * in];
        float[] targets = new float[count * 2];
        for (int s = 0; s < count; s++) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < in; i++) {
                    inputs[(s * steps + t) * in + i] = 1000 * s + 10 * t + i;
                }
            }
            targets[2 * s] = s;
            targets[2 * s + 1] = s % 3 == 0 ? Float.NaN : -s;
        }
        MiniBatches batches = new MiniBatches(new WindowedSamples(steps, in, 2, inputs, targets), 5);
        assertEquals(5, batches.batches()); // 4 of 5 and one of 3
        SplittableRandom random = new SplittableRandom(1);
        for (int epoch = 0; epoch < 2; epoch++) {
            batches.shuffle(random);
            boolean[] seen = new boolean[count];
            boolean inOrder = true;
            int position = 0;
            for (int k = 0; k < batches.batches(); k++) {
                SequenceBatch batch = batches.fill(k);
                int b = batch.batch();
                assertEquals(k < 4 ? 5 : 3, b);
                assertEquals(steps, batch.steps());
                int present = 0;
                for (int j = 0; j < b; j++) {
                    int s = (int) batch.targets()[2 * j];
                    assertTrue(!seen[s], "sample " + s + " twice in one epoch");
                    seen[s] = true;
                    inOrder &= s == position++;
                    for (int t = 0; t < steps; t++) {
                        for (int i = 0; i < in; i++) {
                            assertEquals(1000 * s + 10 * t + i, batch.inputs()[(t * b + j) * in + i]);
                        }
                    }
                    present += s % 3 == 0 ? 1 : 2;
                }
                assertEquals(present, batches.presentTargets());
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
            assertTrue(!inOrder, "the shuffle left the samples in time order");
        }
    }
}
