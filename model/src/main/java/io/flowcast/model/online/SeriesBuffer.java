package io.flowcast.model.online;

/**
 * The last {@code capacity} events of one series on a regular grid, addressed by absolute index
 * (0 = the first event ever appended): timestamp, the value as observed (NaN = missing), and the
 * value with gaps filled by the last finite one (what a network may read as input).
 *
 * <p>Allocation-free after construction; the state a keyed operator keeps per key is exactly the
 * three arrays plus {@link #count()}, {@link #held()} and the last finite value.
 *
 * <p>It holds the newest {@link #held()} events: {@code min(count, capacity)}, except right after
 * {@link #withCapacity} grew it, when it holds what the smaller buffer held and fills up from there.
 */
public final class SeriesBuffer {

    private final int capacity;
    private final long[] timestamps;
    private final float[] observed;
    private final float[] filled;
    private long count;
    /** Events held: the newest {@code held} of the {@code count} appended. */
    private int held;
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
        if (held < capacity) {
            held++;
        }
    }

    /**
     * A buffer with the given state holding {@code min(count, capacity)} events (slot of index i =
     * i % capacity): what a buffer never grown holds. The arrays are copied.
     */
    public static SeriesBuffer restore(long count, float lastFinite, long[] timestamps, float[] observed, float[] filled) {
        return restore(count, (int) Math.min(count, timestamps.length), lastFinite, timestamps, observed, filled);
    }

    /** A buffer with the given state holding the newest {@code held} of {@code count} events. The arrays are copied. */
    public static SeriesBuffer restore(long count, int held, float lastFinite, long[] timestamps, float[] observed,
                                       float[] filled) {
        SeriesBuffer b = new SeriesBuffer(timestamps.length);
        if (observed.length != timestamps.length || filled.length != timestamps.length || count < 0 || held < 0
                || held > Math.min(count, timestamps.length)) {
            throw new IllegalArgumentException("inconsistent buffer state: count " + count + ", held " + held
                    + ", arrays " + timestamps.length + "/" + observed.length + "/" + filled.length);
        }
        System.arraycopy(timestamps, 0, b.timestamps, 0, timestamps.length);
        System.arraycopy(observed, 0, b.observed, 0, observed.length);
        System.arraycopy(filled, 0, b.filled, 0, filled.length);
        b.count = count;
        b.held = held;
        b.lastFinite = lastFinite;
        return b;
    }

    /**
     * This buffer with room for {@code newCapacity} events (this one if it already has at least
     * that): a model that looks further back than the buffer was made for makes the buffer grow,
     * once; what was held stays held, and nothing older is claimed (it was overwritten).
     */
    public SeriesBuffer withCapacity(int newCapacity) {
        if (newCapacity <= capacity) {
            return this;
        }
        SeriesBuffer b = new SeriesBuffer(newCapacity);
        for (long i = first(); i <= last(); i++) {
            int slot = (int) (i % newCapacity);
            b.timestamps[slot] = timestamp(i);
            b.observed[slot] = observed(i);
            b.filled[slot] = filled(i);
        }
        b.count = count;
        b.held = held;
        b.lastFinite = lastFinite;
        return b;
    }

    /** The last finite value appended; NaN if none. */
    public float lastFinite() {
        return lastFinite;
    }

    /** The newest index whose time stamp is at most {@code epochMillis}; {@code first() - 1} if none is held. */
    public long lastAtOrBefore(long epochMillis) {
        long i = last();
        while (i >= first() && timestamp(i) > epochMillis) {
            i--;
        }
        return i;
    }

    /** Slot arrays, for serializers only (slot of index i = i % capacity); do not modify. */
    public long[] timestampSlots() {
        return timestamps;
    }

    public float[] observedSlots() {
        return observed;
    }

    public float[] filledSlots() {
        return filled;
    }

    public int capacity() {
        return capacity;
    }

    /** Events appended so far; the newest has index {@code count() - 1}. */
    public long count() {
        return count;
    }

    /** Events held: the newest {@code held()} of {@link #count()}. */
    public int held() {
        return held;
    }

    /** The oldest index still held. */
    public long first() {
        return count - held;
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
