package io.flowcast.model.online;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model's replay buffer: at most {@code capacity} training windows, none older than {@code span}
 * before the newest offered, keeping the ones with the lowest {@link WindowSampler#priority}: a
 * uniform sample of the windows of the span, whatever the number of series. With one series and a
 * span of {@code capacity} steps that is simply every window of the newest {@code capacity} steps.
 *
 * <p>What is kept depends only on the order windows are offered in (time, then key), so two runs
 * that offer the same windows keep the same ones. The windows themselves live in a {@link Store}
 * (a map in memory, or a Flink {@code MapState} keyed by slot); this class keeps only each slot's
 * time and priority, {@code 16 * capacity} bytes, written with {@link #writeTo}.
 */
public final class ReplayBuffer {

    /** Where the windows are held, by slot {@code 0 .. capacity-1}. */
    public interface Store {
        TrainingWindow get(int slot) throws Exception;

        void put(int slot, TrainingWindow window) throws Exception;

        void remove(int slot) throws Exception;
    }

    /** A store on the heap. */
    public static Store inMemory() {
        java.util.Map<Integer, TrainingWindow> map = new java.util.HashMap<>();
        return new Store() {
            @Override
            public TrainingWindow get(int slot) {
                return map.get(slot);
            }

            @Override
            public void put(int slot, TrainingWindow window) {
                map.put(slot, window);
            }

            @Override
            public void remove(int slot) {
                map.remove(slot);
            }
        };
    }

    private static final long EMPTY = Long.MIN_VALUE;

    private final int capacity;
    private final long spanMillis;
    private final long[] times;
    private final double[] priorities;
    private int size;
    /** The slot of the highest priority held; -1 when unknown. */
    private int highest = -1;
    private long oldest = Long.MAX_VALUE;

    public ReplayBuffer(int capacity, long spanMillis) {
        if (capacity <= 0 || spanMillis <= 0) {
            throw new IllegalArgumentException("capacity and span must be positive, got " + capacity + ", " + spanMillis);
        }
        this.capacity = capacity;
        this.spanMillis = spanMillis;
        this.times = new long[capacity];
        this.priorities = new double[capacity];
        Arrays.fill(times, EMPTY);
    }

    public int capacity() {
        return capacity;
    }

    public long spanMillis() {
        return spanMillis;
    }

    /** Windows held. */
    public int size() {
        return size;
    }

    /**
     * Offers a window completed at or after every window offered before; returns whether it is kept.
     * Windows older than the span before it are dropped first.
     */
    public boolean offer(TrainingWindow w, Store store) throws Exception {
        expire(w.time() - spanMillis, store);
        double u = w.priority();
        int slot;
        if (size < capacity) {
            slot = 0;
            while (times[slot] != EMPTY) {
                slot++;
            }
            size++;
            if (highest >= 0 && u > priorities[highest]) {
                highest = slot;
            }
        } else {
            slot = highest();
            if (u >= priorities[slot]) {
                return false;
            }
            highest = -1;
        }
        times[slot] = w.time();
        priorities[slot] = u;
        oldest = Math.min(oldest, w.time());
        store.put(slot, w);
        return true;
    }

    /** Every window held, in training order (time, then key). */
    public List<TrainingWindow> windows(Store store) throws Exception {
        List<TrainingWindow> out = new ArrayList<>(size);
        for (int slot = 0; slot < capacity; slot++) {
            if (times[slot] != EMPTY) {
                out.add(store.get(slot));
            }
        }
        out.sort(TrainingWindow::compare);
        return out;
    }

    private void expire(long cutoff, Store store) throws Exception {
        if (oldest > cutoff) {
            return;
        }
        oldest = Long.MAX_VALUE;
        for (int slot = 0; slot < capacity; slot++) {
            if (times[slot] == EMPTY) {
                continue;
            }
            if (times[slot] <= cutoff) {
                times[slot] = EMPTY;
                size--;
                store.remove(slot);
                if (slot == highest) {
                    highest = -1;
                }
            } else {
                oldest = Math.min(oldest, times[slot]);
            }
        }
    }

    private int highest() {
        if (highest < 0) {
            for (int slot = 0; slot < capacity; slot++) {
                if (times[slot] != EMPTY && (highest < 0 || priorities[slot] > priorities[highest])) {
                    highest = slot;
                }
            }
        }
        return highest;
    }

    /** Each slot's time and priority (the windows are in the store). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(capacity);
        out.writeLong(spanMillis);
        for (int slot = 0; slot < capacity; slot++) {
            out.writeLong(times[slot]);
            out.writeDouble(priorities[slot]);
        }
    }

    /** What {@link #writeTo} wrote; slots beyond a smaller {@code capacity} are left to the caller to clear. */
    public static ReplayBuffer readFrom(DataInput in) throws IOException {
        int capacity = in.readInt();
        long span = in.readLong();
        if (capacity <= 0 || capacity > 100_000_000 || span <= 0) {
            throw new IOException("invalid replay buffer: capacity " + capacity + ", span " + span);
        }
        ReplayBuffer b = new ReplayBuffer(capacity, span);
        for (int slot = 0; slot < capacity; slot++) {
            b.times[slot] = in.readLong();
            b.priorities[slot] = in.readDouble();
            if (b.times[slot] != EMPTY) {
                b.size++;
                b.oldest = Math.min(b.oldest, b.times[slot]);
            }
        }
        return b;
    }

    @Override
    public String toString() {
        return "ReplayBuffer{" + size + "/" + capacity + " windows, span " + spanMillis + " ms}";
    }
}
