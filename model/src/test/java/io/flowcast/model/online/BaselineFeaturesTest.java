package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BaselineFeaturesTest {

    private static final long HOUR = 3_600_000L;

    private static SeriesBuffer series(int n, int changedFrom) {
        SeriesBuffer b = new SeriesBuffer(400);
        for (int t = 0; t < n; t++) {
            b.append(t * HOUR, t >= changedFrom ? -1000f : (float) (t % 24 + 0.01 * t * t % 7));
        }
        return b;
    }

    @Test
    void readsNothingAfterTheIndexEvenWhereTheBufferHoldsIt() {
        // Week 28 steps, day 4, horizon up to 6 > day: the inputs of step i+k must not read i+1..
        BaselineFeatures f = new BaselineFeatures(6, 40, 28, 3);
        assertEquals(4, f.day());
        long i = 150;
        for (int k = 1; k <= 6; k++) {
            float[] clean = new float[BaselineFeatures.COUNT];
            float[] later = new float[BaselineFeatures.COUNT];
            f.writeRaw(series(158, 1_000), i, k, clean, 0);
            f.writeRaw(series(158, 151), i, k, later, 0);
            assertArrayEquals(clean, later, "horizon " + k);
        }
    }

    @Test
    void theInputsAreTheDocumentedOnes() {
        SeriesBuffer b = series(200, 1_000);
        BaselineFeatures f = new BaselineFeatures(3, 200, 28, 3);
        InputRows weekly = new InputRows(3, 28, 3);
        float[] out = new float[BaselineFeatures.COUNT];
        long i = 190;
        f.writeRaw(b, i, 2, out, 0);
        assertEquals(b.filled(i), out[0]);
        assertEquals(weekly.reference(b, i + 2), out[1]);
        assertEquals(b.filled(i - 1), out[2]);
        assertEquals(b.filled(i - 2), out[3]);
        assertEquals(weekly.reference(b, i), out[4]);
        assertEquals(new InputRows(3, 4, 3).reference(b, i + 2), out[5]);
        assertEquals(new InputRows(3, 4, 3).reference(b, i), out[6]);
        assertEquals(b.filled(i + 2 - 4), out[7]);
        assertEquals(b.filled(i - 4), out[8]);
        double sum = 0;
        for (long j = i - 15; j <= i; j++) {
            sum += b.filled(j);
        }
        assertEquals((float) (sum / 16), out[9], 1e-4f);
        double lagged = 0;
        double squares = 0;
        for (long j = i; j > i - 168 + 1; j--) {
            double d = b.filled(j) - b.filled(j - 1);
            double before = b.filled(j - 1) - b.filled(j - 2);
            lagged += d * before;
            squares += d * d;
        }
        double rho = Math.max(-1, Math.min(1, lagged / squares));
        double step = b.filled(i) - b.filled(i - 1);
        assertEquals(rho * step, out[11], 1e-3);
        assertEquals(rho * rho * step, out[12], 1e-3);
    }

    @Test
    void differencesAreScaledButNotShifted() {
        SeriesBuffer b = series(200, 1_000);
        io.flowcast.model.features.StreamingScaler scaler = new io.flowcast.model.features.StreamingScaler(1);
        for (long j = 0; j < 200; j++) {
            scaler.update(new float[] {b.filled(j) + 50f});
        }
        BaselineFeatures f = new BaselineFeatures(3, 40, 28, 3);
        float[] raw = new float[BaselineFeatures.COUNT];
        float[] z = new float[BaselineFeatures.COUNT];
        f.writeRaw(b, 150, 1, raw, 0);
        f.write(b, 150, 1, scaler, z, 0);
        assertEquals(scaler.transform(0, raw[0]), z[0], 1e-6f);
        assertEquals(scaler.transform(0, raw[11]) - scaler.transform(0, 0f), z[11], 1e-5f);
    }

    @Test
    void theMeansReadNoFurtherBackThanTheWindowAndSeason() {
        SeriesBuffer b = series(200, 1_000);
        float[] out = new float[BaselineFeatures.COUNT];
        new BaselineFeatures(1, 6, 4, 1).writeRaw(b, 150, 1, out, 0);
        double sum = 0;
        for (long j = 141; j <= 150; j++) {
            sum += b.filled(j);
        }
        assertEquals((float) (sum / 10), out[10], 1e-4f, "64 capped at window 6 + season 4");
    }

    @Test
    void aShortHistoryReadsAsMissing() {
        SeriesBuffer b = series(3, 1_000);
        float[] out = new float[BaselineFeatures.COUNT];
        new BaselineFeatures(2, 40, 28, 3).writeRaw(b, 2, 1, out, 0);
        assertEquals(b.filled(2), out[0]);
        assertTrue(Float.isNaN(out[1]));
        assertTrue(Float.isNaN(out[5]));
        assertTrue(Float.isNaN(out[8]));
        assertEquals((b.filled(0) + b.filled(1) + b.filled(2)) / 3f, out[9], 1e-5f);
    }
}
