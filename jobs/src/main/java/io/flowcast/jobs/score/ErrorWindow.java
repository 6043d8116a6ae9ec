package io.flowcast.jobs.score;

/**
 * The last {@code capacity} matured pairs of one series at one horizon, in a ring: the model's error
 * and persistence's on the same target step, the actual, and whether the actual fell inside the
 * forecast's p10..p90 band. The figures are recomputed from the ring when asked (no running sums that
 * drift), so the window holds exactly what it says.
 */
final class ErrorWindow {

    static final byte NO_BAND = -1;
    static final byte OUTSIDE = 0;
    static final byte INSIDE = 1;

    /** forecast - actual, oldest overwritten first. */
    final float[] model;
    /** persistence - actual, for the same targets. */
    final float[] persistence;
    final float[] actual;
    /** {@link #NO_BAND}, {@link #OUTSIDE} or {@link #INSIDE} per pair. */
    final byte[] band;
    /** Pairs held (at most the capacity). */
    int count;
    /** Where the next pair goes. */
    int next;

    ErrorWindow(int capacity) {
        this(new float[capacity], new float[capacity], new float[capacity], new byte[capacity], 0, 0);
    }

    ErrorWindow(float[] model, float[] persistence, float[] actual, byte[] band, int count, int next) {
        this.model = model;
        this.persistence = persistence;
        this.actual = actual;
        this.band = band;
        this.count = count;
        this.next = next;
    }

    void add(float modelError, float persistenceError, float actualValue, byte inBand) {
        model[next] = modelError;
        persistence[next] = persistenceError;
        actual[next] = actualValue;
        band[next] = inBand;
        next = (next + 1) % model.length;
        count = Math.min(count + 1, model.length);
    }

    int capacity() {
        return model.length;
    }

    /** The figures over the held pairs, in one pass over the ring. */
    RollingErrors figures() {
        if (count == 0) {
            return RollingErrors.NONE;
        }
        double modelAbsolute = 0;
        double modelSquared = 0;
        double persistenceAbsolute = 0;
        double persistenceSquared = 0;
        double actualAbsolute = 0;
        int banded = 0;
        int inside = 0;
        for (int i = 0; i < count; i++) {
            modelAbsolute += Math.abs(model[i]);
            modelSquared += (double) model[i] * model[i];
            persistenceAbsolute += Math.abs(persistence[i]);
            persistenceSquared += (double) persistence[i] * persistence[i];
            actualAbsolute += Math.abs(actual[i]);
            if (band[i] != NO_BAND) {
                banded++;
                inside += band[i];
            }
        }
        return new RollingErrors(count, (float) (modelAbsolute / count), (float) Math.sqrt(modelSquared / count),
                actualAbsolute == 0 ? Float.NaN : (float) (modelAbsolute / actualAbsolute),
                (float) (persistenceAbsolute / count), (float) Math.sqrt(persistenceSquared / count),
                actualAbsolute == 0 ? Float.NaN : (float) (persistenceAbsolute / actualAbsolute),
                banded == 0 ? Float.NaN : (float) inside / banded);
    }

    ErrorWindow copy() {
        return new ErrorWindow(model.clone(), persistence.clone(), actual.clone(), band.clone(), count, next);
    }
}
