package io.flowcast.model.features;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Running per-feature mean and variance (Welford, in double) and the z-score built on them, for
 * features whose range is not known before the stream starts.
 *
 * <p><b>Statistics.</b> {@link #variance(int)} is the population variance {@code M2 / n} (as
 * scikit-learn's StandardScaler); the sample variance would make the first scaled values larger
 * for no benefit to the model.
 *
 * <p><b>Degenerate features.</b> A feature <em>has no scale yet</em> while fewer than
 * {@link #minCount()} observations were seen, or while its standard deviation is below
 * {@link #minStd()} (in the feature's own units; a constant feature has exactly 0). Such a feature
 * transforms to {@code 0} (the value at the mean: "no information"), and {@link #inverse} maps
 * every model output for it back to the running mean. Dividing by a tiny standard deviation instead
 * would blow a rounding-level wiggle up into huge inputs; lower {@code minStd} for features whose
 * natural spread is below the default {@value #DEFAULT_MIN_STD}.
 *
 * <p><b>Hot path.</b> {@link #update}, {@link #transform} and {@link #inverse} allocate nothing.
 * Non-finite inputs are rejected by {@code update} (one NaN would poison the mean forever);
 * {@code transform} passes them through as NaN for the network's own input check to report.
 *
 * <p><b>State.</b> The whole state is {@link #snapshot()}: a {@code double[3 + 2n]}
 * {@code [count, minCount, minStd, mean_0..mean_n-1, m2_0..m2_n-1]}, which a Flink operator can keep
 * in managed state and {@link #restore} into a reused instance without allocating; or
 * {@link #writeTo(DataOutput)}. Counts are exact in a double up to 2^53 observations.
 *
 * <p>Mutable and not thread-safe.
 */
public final class StreamingScaler {

    public static final int DEFAULT_MIN_COUNT = 2;
    public static final double DEFAULT_MIN_STD = 1e-6;

    private static final int HEADER = 3;

    private final int features;
    private int minCount;
    private double minStd;
    private long count;
    private final double[] mean;
    private final double[] m2;

    /** A scaler with {@link #DEFAULT_MIN_COUNT} and {@link #DEFAULT_MIN_STD}. */
    public StreamingScaler(int features) {
        this(features, DEFAULT_MIN_COUNT, DEFAULT_MIN_STD);
    }

    /**
     * @param minCount observations needed before a feature is scaled (at least 1)
     * @param minStd   standard deviation, in the feature's units, below which it counts as constant
     */
    public StreamingScaler(int features, int minCount, double minStd) {
        if (features <= 0) {
            throw new IllegalArgumentException("features must be positive, got " + features);
        }
        checkSettings(minCount, minStd);
        this.features = features;
        this.minCount = minCount;
        this.minStd = minStd;
        this.mean = new double[features];
        this.m2 = new double[features];
    }

    private static void checkSettings(double minCount, double minStd) {
        if (!(minCount >= 1 && minCount <= Integer.MAX_VALUE && minCount == Math.rint(minCount))) {
            throw new IllegalArgumentException("minCount must be a positive int, got " + minCount);
        }
        if (!(minStd >= 0 && Double.isFinite(minStd))) {
            throw new IllegalArgumentException("minStd must be finite and >= 0, got " + minStd);
        }
    }

    public int features() {
        return features;
    }

    /** Observations seen (merged scalers add up). */
    public long count() {
        return count;
    }

    public int minCount() {
        return minCount;
    }

    public double minStd() {
        return minStd;
    }

    /** Running mean of feature {@code f}; 0 before any observation. */
    public double mean(int f) {
        return mean[f];
    }

    /** Sum of squared deviations from the mean (Welford's M2) of feature {@code f}. */
    public double sumSquaredDeviations(int f) {
        return m2[f];
    }

    /** Population variance {@code M2 / n}; 0 before any observation. */
    public double variance(int f) {
        return count == 0 ? 0.0 : m2[f] / count;
    }

    public double std(int f) {
        return Math.sqrt(variance(f));
    }

    /** Whether feature {@code f} has enough observations and spread to be z-scored. */
    public boolean hasScale(int f) {
        return scaled(std(f));
    }

    private boolean scaled(double sd) {
        return count >= minCount && sd >= minStd && sd > 0;
    }

    /** Adds one observation of all features, {@code x[0..features)}. */
    public void update(float[] x) {
        update(x, 0);
    }

    /** Adds one observation of all features, {@code x[off..off+features)}. */
    public void update(float[] x, int off) {
        checkRange("x", x, off);
        for (int f = 0; f < features; f++) {
            if (!Float.isFinite(x[off + f])) {
                throw new IllegalArgumentException("feature " + f + " is " + x[off + f]
                        + ": the scaler only learns from finite values");
            }
        }
        long n = ++count;
        for (int f = 0; f < features; f++) {
            double v = x[off + f];
            double delta = v - mean[f];
            mean[f] += delta / n;
            m2[f] += delta * (v - mean[f]);
        }
    }

    /** Z-scores {@code in[0..features)} into {@code out[0..features)}; both exactly {@code features} long. */
    public void transform(float[] in, float[] out) {
        if (in.length != features || out.length != features) {
            throw new IllegalArgumentException("in and out must have " + features + " floats, got "
                    + in.length + " and " + out.length + " (use the offset overload to write into a larger array)");
        }
        transform(in, 0, out, 0);
    }

    /** Z-scores {@code in[inOff..]} into {@code out[outOff..]}, {@code features} values; may be in place. */
    public void transform(float[] in, int inOff, float[] out, int outOff) {
        checkRange("in", in, inOff);
        checkRange("out", out, outOff);
        for (int f = 0; f < features; f++) {
            out[outOff + f] = transform(f, in[inOff + f]);
        }
    }

    /** The z-score of one value of feature {@code f}; 0 while the feature {@link #hasScale has no scale}. */
    public float transform(int f, float x) {
        double sd = std(f);
        if (!scaled(sd)) {
            return Float.isNaN(x) ? Float.NaN : 0f;
        }
        return (float) ((x - mean[f]) / sd);
    }

    /** Back to feature {@code f}'s units: {@code z * std + mean}, or the mean while it has no scale. */
    public float inverse(int f, float z) {
        double sd = std(f);
        if (!scaled(sd)) {
            return (float) mean[f];
        }
        return (float) (z * sd + mean[f]);
    }

    /**
     * Folds {@code other}'s observations into this one (Chan et al.'s pairwise update), as if this
     * scaler had seen both streams; {@code other} is unchanged, this keeps its own settings.
     */
    public void merge(StreamingScaler other) {
        if (other.features != features) {
            throw new IllegalArgumentException("cannot merge a scaler of " + other.features + " features into one of "
                    + features);
        }
        if (other.count == 0) {
            return;
        }
        long na = count;
        long nb = other.count;
        long n = Math.addExact(na, nb);
        for (int f = 0; f < features; f++) {
            double delta = other.mean[f] - mean[f];
            mean[f] += delta * ((double) nb / n);
            m2[f] += other.m2[f] + delta * delta * ((double) na * nb / n);
        }
        count = n;
    }

    /** An independent scaler with the same state and settings. */
    public StreamingScaler copy() {
        StreamingScaler c = new StreamingScaler(features, minCount, minStd);
        c.count = count;
        System.arraycopy(mean, 0, c.mean, 0, features);
        System.arraycopy(m2, 0, c.m2, 0, features);
        return c;
    }

    /** Length of {@link #snapshot()}: {@code 3 + 2 * features}. */
    public int snapshotSize() {
        return HEADER + 2 * features;
    }

    /** The full state as {@code [count, minCount, minStd, mean..., m2...]}. */
    public double[] snapshot() {
        double[] s = new double[snapshotSize()];
        snapshot(s);
        return s;
    }

    /** Writes the state into {@code dst} (exactly {@link #snapshotSize()} long) without allocating. */
    public void snapshot(double[] dst) {
        if (dst.length != snapshotSize()) {
            throw new IllegalArgumentException("snapshot needs " + snapshotSize() + " doubles, got " + dst.length);
        }
        dst[0] = count;
        dst[1] = minCount;
        dst[2] = minStd;
        System.arraycopy(mean, 0, dst, HEADER, features);
        System.arraycopy(m2, 0, dst, HEADER + features, features);
    }

    /** Replaces this scaler's state and settings with a snapshot of the same feature count. */
    public void restore(double[] src) {
        if (src.length != snapshotSize()) {
            throw new IllegalArgumentException("a snapshot of " + features + " features has " + snapshotSize()
                    + " doubles, got " + src.length);
        }
        validate(src);
        count = (long) src[0];
        minCount = (int) src[1];
        minStd = src[2];
        System.arraycopy(src, HEADER, mean, 0, features);
        System.arraycopy(src, HEADER + features, m2, 0, features);
    }

    /** A new scaler holding a {@link #snapshot()}. */
    public static StreamingScaler fromSnapshot(double[] src) {
        if (src.length < HEADER + 2 || (src.length - HEADER) % 2 != 0) {
            throw new IllegalArgumentException("a scaler snapshot has 3 + 2n doubles (n >= 1), got " + src.length);
        }
        validate(src);
        StreamingScaler s = new StreamingScaler((src.length - HEADER) / 2, (int) src[1], src[2]);
        s.restore(src);
        return s;
    }

    private static void validate(double[] src) {
        double n = src[0];
        if (!(n >= 0 && n <= 0x1p53 && n == Math.rint(n))) {
            throw new IllegalArgumentException("snapshot count must be a whole number in [0, 2^53], got " + n);
        }
        checkSettings(src[1], src[2]);
        int features = (src.length - HEADER) / 2;
        for (int f = 0; f < features; f++) {
            double mu = src[HEADER + f];
            double ss = src[HEADER + features + f];
            if (!Double.isFinite(mu) || !(ss >= 0) || !Double.isFinite(ss)) {
                throw new IllegalArgumentException("snapshot feature " + f + " has mean " + mu + " and M2 " + ss
                        + ": need a finite mean and a finite M2 >= 0");
            }
            if (n == 0 && (mu != 0 || ss != 0)) {
                throw new IllegalArgumentException("snapshot has count 0 but feature " + f + " has mean " + mu
                        + " and M2 " + ss);
            }
        }
    }

    /** Writes {@code features} (int) then the snapshot's doubles, big-endian as DataOutput does. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(features);
        for (double v : snapshot()) {
            out.writeDouble(v);
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static StreamingScaler readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n <= 0 || n > (Integer.MAX_VALUE - HEADER) / 2) {
            throw new IOException("scaler state claims " + n + " features");
        }
        double[] s = new double[HEADER + 2 * n];
        for (int i = 0; i < s.length; i++) {
            s[i] = in.readDouble();
        }
        try {
            return fromSnapshot(s);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid scaler state: " + e.getMessage(), e);
        }
    }

    /** Same settings and statistics, bit for bit. */
    public boolean sameState(StreamingScaler other) {
        return features == other.features && Arrays.equals(snapshot(), other.snapshot());
    }

    private void checkRange(String what, float[] a, int off) {
        if (off < 0 || off > a.length - features) {
            throw new IllegalArgumentException(what + " needs " + features + " floats from offset " + off
                    + ", has length " + a.length);
        }
    }

    @Override
    public String toString() {
        double[] sd = new double[features];
        for (int f = 0; f < features; f++) {
            sd[f] = std(f);
        }
        return "StreamingScaler{features=" + features + ", count=" + count + ", minCount=" + minCount
                + ", minStd=" + minStd + ", mean=" + Arrays.toString(mean) + ", m2=" + Arrays.toString(m2)
                + ", std=" + Arrays.toString(sd) + "}";
    }
}
