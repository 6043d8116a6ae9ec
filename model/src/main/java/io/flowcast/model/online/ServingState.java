package io.flowcast.model.online;

import io.flowcast.model.features.StreamingScaler;

/**
 * What a forecaster keeps for one key: its recent history, its running scaler, and the recurrent
 * state under each of the (at most two) model versions it forecasts with. {@link ResidualForecaster}
 * reads and updates it; a Flink operator keeps one per key as managed state.
 */
public final class ServingState {

    /** Slots of recurrent state: the serving model and the one before it (the ensemble). */
    public static final int SLOTS = 2;

    SeriesBuffer buffer;
    final StreamingScaler live;
    final float[][] states;
    final long[] versions;
    /**
     * Per slot, the key's running scaler as it was when the slot's model started serving the key
     * (about when that model was trained): what the out-of-domain rule compares the newest value
     * with. Null for a slot never used.
     */
    final StreamingScaler[] domains;

    /** A new key whose history holds {@code ringLength} steps (it grows when a model needs more). */
    public ServingState(int ringLength) {
        this(new SeriesBuffer(ringLength), new StreamingScaler(1), new float[SLOTS][], new long[] {-1, -1},
                new StreamingScaler[SLOTS]);
    }

    /** A state as a serializer restores it; the arrays are taken, not copied. */
    public ServingState(SeriesBuffer buffer, StreamingScaler live, float[][] states, long[] versions,
                        StreamingScaler[] domains) {
        if (states.length != SLOTS || versions.length != SLOTS || domains.length != SLOTS || live.features() != 1) {
            throw new IllegalArgumentException("a serving state has " + SLOTS + " slots and one feature");
        }
        this.buffer = buffer;
        this.live = live;
        this.states = states;
        this.versions = versions;
        this.domains = domains;
    }

    public SeriesBuffer buffer() {
        return buffer;
    }

    /** Makes the history hold at least {@code steps} steps from now on (what it holds stays). */
    public void ensureHistory(int steps) {
        buffer = buffer.withCapacity(steps);
    }

    public StreamingScaler liveScaler() {
        return live;
    }

    /** The recurrent state of slot {@code s}; null if the slot was never used. */
    public float[] state(int slot) {
        return states[slot];
    }

    /** Slot {@code s}'s domain scaler (see {@link #domains}); null if the slot was never used. */
    public StreamingScaler domain(int slot) {
        return domains[slot];
    }

    /** The model version whose steps built slot {@code s}'s state; -1: none. */
    public long version(int slot) {
        return versions[slot];
    }

    /** The model version of the slot holding the newest model's state (what forecasts carry); 0: none. */
    public long servingVersion() {
        return Math.max(0, Math.max(versions[0], versions[1]));
    }

    public ServingState copy() {
        float[][] s = new float[SLOTS][];
        for (int i = 0; i < SLOTS; i++) {
            s[i] = states[i] == null ? null : states[i].clone();
        }
        SeriesBuffer b = SeriesBuffer.restore(buffer.count(), buffer.held(), buffer.lastFinite(),
                buffer.timestampSlots(), buffer.observedSlots(), buffer.filledSlots()); // restore copies the slots
        StreamingScaler[] d = new StreamingScaler[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            d[i] = domains[i] == null ? null : domains[i].copy();
        }
        return new ServingState(b, live.copy(), s, versions.clone(), d);
    }
}
