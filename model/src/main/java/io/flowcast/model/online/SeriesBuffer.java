package io.flowcast.model.online;

/**
 * The last {@code capacity} events of one series on a regular grid, addressed by absolute index
 * (0 = the first event ever appended): timestamp, the value as observed (NaN = missing), and the
 * value with gaps filled by the last finite one (what a network may read as input).
 *
 * <p>Allocation-free after construction; the state a keyed operator keeps per key is exactly the
 * three arrays plus {@link #count()} and the last finite value.
 */
public final class SeriesBuffer {

    private final int capacity;
    private final long[] timestamps;
    private final float[] observed;
    private final float[] filled;
    private long count;
    private float lastFinite = Float.NaN;

    public SeriesBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.timestamps = new long[capacity];
        this.observed = new float[capacity];
        this.filled = new float[capacity];
    }

    /**
     * Appends the next event. A NaN value is missing: it is stored as NaN in {@link #observed} and
     * as the last finite value (NaN before the first one) in {@link #filled}.
     */
    public void append(long epochMillis, float value) {
        if (Float.isInfinite(value)) {
            throw new IllegalArgumentException("value is " + value + "; use NaN for a missing value");
        }
        if (!Float.isNaN(value)) {
            lastFinite = value;
        }
        int slot = (int) (count % capacity);
        timestamps[slot] = epochMillis;
        observed[slot] = value;
        filled[slot] = lastFinite;
        count++;
    }

    public int capacity() {
        return capacity;
    }

    /** Events appended so far; the newest has index {@code count() - 1}. */
    public long count() {
        return count;
    }

    /** The oldest index still held. */
    public long first() {
        return Math.max(0, count - capacity);
    }

    /** The newest index, -1 before the first append. */
    public long last() {
        return count - 1;
    }

    public boolean holds(long index) {
        return index >= first() && index < count;
    }

    public long timestamp(long index) {
        return timestamps[slot(index)];
    }

    /** The value as observed; NaN if it was missing. */
    public float observed(long index) {
        return observed[slot(index)];
    }

    /** The last finite value at or before {@code index}; NaN if none yet. */
    public float filled(long index) {
        return filled[slot(index)];
    }

    private int slot(long index) {
        if (!holds(index)) {
            throw new IndexOutOfBoundsException("index " + index + " is not held (held: " + first() + ".." + last() + ")");
        }
        return (int) (index % capacity);
    }
}
