package io.flowcast.jobs.forecast;

import io.flowcast.model.features.StreamingScaler;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the forecaster keeps for one series (one key), as one value of keyed state. Written and
 * read by {@link SeriesStateSerializer} (explicit and versioned, never Kryo).
 *
 * <p>The object is updated in place on each event and then written back with {@code update()}: on the
 * heap backend that costs nothing (copy-on-write happens only while a snapshot is running), on RocksDB
 * it is one serialization per event.
 */
public final class SeriesState {

    /** Event time of the last accepted event, epoch ms; {@link Long#MIN_VALUE} before the first. */
    long lastEventTime = Long.MIN_VALUE;
    /** Version of the weights whose steps built {@link #recurrent} (0: untrained, seeded weights). */
    long modelVersion;
    /** Events accepted so far, missing values included; the next ring slot is {@code steps % capacity}. */
    long steps;
    /** Typical interval between events, ms: a moving average of clipped gaps; 0 until the second event. */
    double typicalGapMillis;
    /** The net's recurrent state in {@code NetConfig}'s layout: per layer h, then c for LSTM. */
    final float[] recurrent;
    /** Running mean and spread of the values; learns from complete events only. */
    final StreamingScaler scaler;
    /** Recent inputs as fed to the net (imputed where missing), [capacity x features], slot = step % capacity. */
    final float[] ringValues;
    /** Event time of each ring slot. */
    final long[] ringTimes;

    /** A fresh series: zero recurrent state, empty scaler and ring. */
    public SeriesState(int stateSize, int features, int ringCapacity) {
        this(new float[stateSize], new StreamingScaler(features), new float[ringCapacity * features],
                new long[ringCapacity]);
    }

    SeriesState(float[] recurrent, StreamingScaler scaler, float[] ringValues, long[] ringTimes) {
        if (ringValues.length != ringTimes.length * scaler.features()) {
            throw new IllegalArgumentException("ring of " + ringTimes.length + " slots needs "
                    + ringTimes.length * scaler.features() + " values, got " + ringValues.length);
        }
        this.recurrent = recurrent;
        this.scaler = scaler;
        this.ringValues = ringValues;
        this.ringTimes = ringTimes;
    }

    /** A fresh state shaped for {@code settings}. */
    public static SeriesState create(ForecastSettings settings) {
        return new SeriesState(settings.netConfig().stateSize(), settings.features(), settings.ringCapacity());
    }

    /** Whether this state has the given shape (it may come from a savepoint taken with other settings). */
    boolean fits(int stateSize, int features, int ringCapacity) {
        return recurrent.length == stateSize && features() == features && ringCapacity() == ringCapacity;
    }

    public int features() {
        return scaler.features();
    }

    public int ringCapacity() {
        return ringTimes.length;
    }

    /** Ring slots holding an event: the last {@code min(steps, capacity)} accepted events. */
    int ringFill() {
        return (int) Math.min(steps, ringTimes.length);
    }

    /** The live recurrent state (not a copy). */
    public float[] recurrent() {
        return recurrent;
    }

    /** The live scaler (not a copy). */
    public StreamingScaler scaler() {
        return scaler;
    }

    public long steps() {
        return steps;
    }

    public long lastEventTime() {
        return lastEventTime;
    }

    /** Appends one accepted event (values as fed to the net) to the ring and advances the clock. */
    public void record(long eventTime, float[] values) {
        int slot = (int) (steps % ringTimes.length);
        int features = features();
        System.arraycopy(values, 0, ringValues, slot * features, features);
        ringTimes[slot] = eventTime;
        steps++;
        lastEventTime = eventTime;
    }

    /** Feature {@code f} of the event {@code k} steps before the latest (k = 0: the latest); NaN if not kept. */
    float valueBack(int k, int f) {
        if (k < 0 || k >= ringFill()) {
            return Float.NaN;
        }
        return ringValues[valuesOffsetBack(k) + f];
    }

    /** Where the values of the event {@code k} steps before the latest start in {@link #ringValues}. */
    int valuesOffsetBack(int k) {
        return slotBack(k) * features();
    }

    /** Event time of the event {@code k} steps before the latest; only for {@code k < ringFill()}. */
    long timeBack(int k) {
        return ringTimes[slotBack(k)];
    }

    private int slotBack(int k) {
        return (int) ((steps - 1 - k) % ringTimes.length);
    }

    /** An independent deep copy. */
    public SeriesState copy() {
        SeriesState c = new SeriesState(recurrent.clone(), scaler.copy(), ringValues.clone(), ringTimes.clone());
        c.lastEventTime = lastEventTime;
        c.modelVersion = modelVersion;
        c.steps = steps;
        c.typicalGapMillis = typicalGapMillis;
        return c;
    }

    /** Equal bit for bit (floats compared by their bits, so state restored from a snapshot must match exactly). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesState s && lastEventTime == s.lastEventTime && modelVersion == s.modelVersion
                && steps == s.steps && Double.doubleToLongBits(typicalGapMillis) == Double.doubleToLongBits(s.typicalGapMillis)
                && Arrays.equals(recurrent, s.recurrent) && scaler.sameState(s.scaler)
                && Arrays.equals(ringValues, s.ringValues) && Arrays.equals(ringTimes, s.ringTimes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lastEventTime, steps, Arrays.hashCode(recurrent));
    }

    @Override
    public String toString() {
        return "SeriesState{steps=" + steps + ", lastEventTime=" + lastEventTime + ", modelVersion=" + modelVersion
                + ", typicalGapMillis=" + typicalGapMillis + ", recurrent=" + recurrent.length + " floats, scaler="
                + scaler + ", ring=" + ringFill() + "/" + ringCapacity() + "}";
    }
}
