package io.flowcast.model.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamingScalerTest {

    /** Feature 0: 2,4,4,4,5,5,7,9 (mean 5, population variance 4); feature 1 constant 1; feature 2: -1,1 alternating. */
    private static StreamingScaler textbook() {
        float[] a = {2, 4, 4, 4, 5, 5, 7, 9};
        StreamingScaler s = new StreamingScaler(3);
        for (int i = 0; i < a.length; i++) {
            s.update(new float[] {a[i], 1f, i % 2 == 0 ? -1f : 1f});
        }
        return s;
    }

    @Test
    void textbookMeanVarianceAndZScores() {
        StreamingScaler s = textbook();
        assertEquals(8, s.count());
        assertEquals(5.0, s.mean(0), 0.0);
        assertEquals(4.0, s.variance(0), 0.0);
        assertEquals(32.0, s.sumSquaredDeviations(0), 0.0);
        assertEquals(2.0, s.std(0), 0.0);
        assertEquals(0.0, s.mean(2), 1e-15);
        assertEquals(1.0, s.variance(2), 1e-15);

        float[] out = new float[3];
        s.transform(new float[] {9f, 1f, 3f}, out);
        assertArrayEquals(new float[] {2f, 0f, 3f}, out);
        s.transform(new float[] {4f, 1000f, -0.5f}, out);
        assertArrayEquals(new float[] {-0.5f, 0f, -0.5f}, out, "the constant feature maps to 0 whatever its value");

        assertEquals(9f, s.inverse(0, 2f), 0f);
        assertEquals(-1f, s.inverse(0, -3f), 0f);
        assertEquals(1f, s.inverse(1, 7.5f), 0f, "a feature without scale inverts to its mean");
    }

    @Test
    void matchesTwoPassStatisticsOnOffsetData() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 20_000;
        int features = 3;
        double[][] x = new double[features][n];
        StreamingScaler s = new StreamingScaler(features);
        float[] row = new float[features];
        for (int i = 0; i < n; i++) {
            row[0] = (float) (1e6 + 3 * r.nextGaussian());   // large offset: naive sum of squares loses digits
            row[1] = (float) (1e-3 * r.nextGaussian());
            row[2] = (float) (r.nextDouble() < 0.5 ? -50 : 50 + r.nextGaussian());
            for (int f = 0; f < features; f++) {
                x[f][i] = row[f];
            }
            s.update(row);
        }
        for (int f = 0; f < features; f++) {
            double mean = 0;
            for (double v : x[f]) {
                mean += v;
            }
            mean /= n;
            double ss = 0;
            for (double v : x[f]) {
                ss += (v - mean) * (v - mean);
            }
            assertEquals(mean, s.mean(f), 1e-12 * Math.max(1, Math.abs(mean)), "mean of feature " + f);
            assertEquals(ss / n, s.variance(f), 1e-9 * (ss / n), "variance of feature " + f);
        }
    }

    @Test
    void tooFewObservationsAndTinySpreadMapToZero() {
        StreamingScaler s = new StreamingScaler(2, 5, 1e-3);
        for (int i = 0; i < 4; i++) {
            s.update(new float[] {i, 1f + i * 1e-4f});
            assertFalse(s.hasScale(0), "only " + s.count() + " observations");
            assertEquals(0f, s.transform(0, 100f), 0f);
            assertEquals((float) s.mean(0), s.inverse(0, 3f), 0f);
        }
        s.update(new float[] {4f, 1.0004f});
        assertTrue(s.hasScale(0));
        assertEquals((float) ((4 - 2) / Math.sqrt(2)), s.transform(0, 4f), 1e-7f);
        assertTrue(s.std(1) > 0 && s.std(1) < 1e-3, "std " + s.std(1));
        assertFalse(s.hasScale(1));
        assertEquals(0f, s.transform(1, 5f), 0f);
    }

    @Test
    void emptyScalerIsSafe() {
        StreamingScaler s = new StreamingScaler(2);
        float[] out = {9f, 9f};
        s.transform(new float[] {3f, -4f}, out);
        assertArrayEquals(new float[] {0f, 0f}, out);
        assertEquals(0f, s.inverse(1, 2f), 0f);
        assertEquals(0.0, s.variance(0), 0.0);
    }

    @Test
    void nonFiniteObservationIsRejectedWithoutTouchingTheState() {
        StreamingScaler s = textbook();
        double[] before = s.snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.update(new float[] {3f, 1f, Float.NaN}));
        assertTrue(e.getMessage().contains("feature 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.update(new float[] {Float.POSITIVE_INFINITY, 1f, 0f}));
        assertArrayEquals(before, s.snapshot());
        assertTrue(Float.isNaN(s.transform(0, Float.NaN)), "NaN passes through for the network's input check");
    }

    @Test
    void offsetsAndInPlaceTransform() {
        StreamingScaler s = textbook();
        float[] buf = {-7f, 9f, 1f, 3f, -7f};
        s.update(new float[] {5f, 1f, 0f, 99f}, 0);
        StreamingScaler ref = textbook();
        ref.update(new float[] {5f, 1f, 0f});
        assertTrue(s.sameState(ref), "update reads exactly features values from the offset");
        s.transform(buf, 1, buf, 1);
        assertEquals(-7f, buf[0], 0f);
        assertEquals(-7f, buf[4], 0f);
        assertEquals(s.transform(0, 9f), buf[1], 0f);
        assertEquals(0f, buf[2], 0f);
        assertEquals(s.transform(2, 3f), buf[3], 0f);
        assertThrows(IllegalArgumentException.class, () -> s.transform(new float[4], 2, new float[3], 0));
        assertThrows(IllegalArgumentException.class, () -> s.transform(new float[3], new float[4]));
    }

    @Test
    void mergeEqualsOnePassOverBothStreams() {
        SplittableRandom r = new SplittableRandom(11);
        StreamingScaler all = new StreamingScaler(2);
        StreamingScaler a = new StreamingScaler(2);
        StreamingScaler b = new StreamingScaler(2);
        for (int i = 0; i < 3000; i++) {
            // the two halves have different means, so a merge that ignores the mean shift is wrong
            float[] x = i < 1000
                    ? new float[] {(float) (10 + r.nextGaussian()), (float) r.nextDouble()}
                    : new float[] {(float) (-4 + 2 * r.nextGaussian()), (float) (5 * r.nextDouble())};
            all.update(x);
            (i < 1000 ? a : b).update(x);
        }
        StreamingScaler merged = a.copy();
        merged.merge(b);
        assertEquals(all.count(), merged.count());
        for (int f = 0; f < 2; f++) {
            assertEquals(all.mean(f), merged.mean(f), 1e-12 * Math.abs(all.mean(f)));
            assertEquals(all.variance(f), merged.variance(f), 1e-11 * all.variance(f));
        }
        StreamingScaler other = b.copy();
        other.merge(a);
        assertEquals(merged.variance(0), other.variance(0), 1e-11 * merged.variance(0), "order does not matter");
        assertEquals(1000, a.count(), "the merged-in scaler is unchanged");
    }

    @Test
    void mergeWithEmptySides() {
        StreamingScaler full = textbook();
        StreamingScaler empty = new StreamingScaler(3);
        empty.merge(full);
        assertTrue(empty.sameState(full), empty + " vs " + full);
        StreamingScaler same = textbook();
        same.merge(new StreamingScaler(3));
        assertTrue(same.sameState(full));
        assertThrows(IllegalArgumentException.class, () -> full.merge(new StreamingScaler(2)));
    }

    @Test
    void snapshotRestoresExactlyAndKeepsEvolvingIdentically() {
        StreamingScaler s = new StreamingScaler(3, 4, 0.01);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            s.update(new float[] {(float) r.nextGaussian(), (float) (r.nextDouble() * 1e4), i});
        }
        double[] snap = s.snapshot();
        assertEquals(3 + 2 * 3, snap.length);
        assertEquals(100.0, snap[0], 0.0);
        assertEquals(4.0, snap[1], 0.0);
        assertEquals(0.01, snap[2], 0.0);
        assertEquals(s.mean(1), snap[3 + 1], 0.0);
        assertEquals(s.sumSquaredDeviations(2), snap[3 + 3 + 2], 0.0);

        StreamingScaler restored = StreamingScaler.fromSnapshot(snap);
        assertTrue(restored.sameState(s));
        assertEquals(4, restored.minCount());
        StreamingScaler reused = new StreamingScaler(3);
        reused.restore(snap);
        assertTrue(reused.sameState(s));
        double[] into = new double[reused.snapshotSize()];
        reused.snapshot(into);
        assertArrayEquals(snap, into);

        float[] x = {0.3f, 77f, -2f};
        s.update(x);
        restored.update(x);
        assertTrue(restored.sameState(s), "restored state evolves bit-identically");
    }

    @Test
    void invalidSnapshotsAreRejected() {
        double[] good = textbook().snapshot();
        StreamingScaler target = new StreamingScaler(3);
        double[][] bad = {
            with(good, 0, -1), with(good, 0, 2.5), with(good, 1, 0), with(good, 2, Double.NaN),
            with(good, 3, Double.POSITIVE_INFINITY), with(good, 6, -1e-9), with(good, 7, Double.NaN),
        };
        for (double[] b : bad) {
            assertThrows(IllegalArgumentException.class, () -> target.restore(b), java.util.Arrays.toString(b));
            assertThrows(IllegalArgumentException.class, () -> StreamingScaler.fromSnapshot(b));
        }
        double[] zeroCountWithMean = new StreamingScaler(3).snapshot();
        zeroCountWithMean[3] = 1;
        assertThrows(IllegalArgumentException.class, () -> StreamingScaler.fromSnapshot(zeroCountWithMean));
        assertThrows(IllegalArgumentException.class, () -> target.restore(new StreamingScaler(2).snapshot()));
        assertThrows(IllegalArgumentException.class, () -> StreamingScaler.fromSnapshot(new double[4]));
        assertTrue(target.sameState(new StreamingScaler(3)), "failed restores leave the target untouched");
    }

    private static double[] with(double[] a, int i, double v) {
        double[] c = a.clone();
        c[i] = v;
        return c;
    }

    @Test
    void dataOutputRoundTrip() throws IOException {
        StreamingScaler s = textbook();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(bytes));
        assertEquals(4 + 8 * (3 + 6), bytes.size());
        StreamingScaler back = StreamingScaler.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertTrue(back.sameState(s));
        byte[] broken = bytes.toByteArray();
        broken[3] = 0; // zero features
        assertThrows(IOException.class,
                () -> StreamingScaler.readFrom(new DataInputStream(new ByteArrayInputStream(broken))));
    }

    @Test
    void hotPathAllocatesNothing() {
        StreamingScaler s = textbook();
        float[] x = {1f, 2f, 3f};
        float[] out = new float[3];
        double[] snap = new double[s.snapshotSize()];
        long bytes = AllocationMeter.bytesAllocatedBy(() -> {
            for (int i = 0; i < 100_000; i++) {
                x[0] = i;
                s.update(x);
                s.transform(x, out);
                out[0] = s.inverse(0, out[0]);
                s.snapshot(snap);
                s.restore(snap);
            }
        });
        assertTrue(bytes < 1024, "allocated " + bytes + " bytes in 100k update/transform/inverse/snapshot/restore");
    }

    @Test
    void toStringShowsEveryField() {
        String s = textbook().toString();
        for (String part : new String[] {"features=3", "count=8", "minCount=2", "minStd=1.0E-6", "mean=[5.0, 1.0, ",
            "m2=[32.0, 0.0, ", "std=[2.0, 0.0, "}) {
            assertTrue(s.contains(part), s + " lacks " + part);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new StreamingScaler(0));
        assertThrows(IllegalArgumentException.class, () -> new StreamingScaler(2, 0, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> new StreamingScaler(2, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new StreamingScaler(2, 2, Double.NaN));
    }
}
