package io.flowcast.jobs.score;

/**
 * The last {@code capacity} error pairs of one series at one horizon: the model's error and
 * persistence's on the same (target) step, in a ring. The figures are recomputed from the ring
 * when asked (no running sums that drift), so the window holds exactly what it says.
 */
final class ErrorWindow {

    /** forecast - actual, oldest overwritten first. */
    final float[] model;
    /** persistence - actual, for the same targets. */
    final float[] persistence;
    /** Pairs held (at most the capacity). */
    int count;
    /** Where the next pair goes. */
    int next;

    ErrorWindow(int capacity) {
        this(new float[capacity], new float[capacity], 0, 0);
    }

    ErrorWindow(float[] model, float[] persistence, int count, int next) {
        this.model = model;
        this.persistence = persistence;
        this.count = count;
        this.next = next;
    }

    void add(float modelError, float persistenceError) {
        model[next] = modelError;
        persistence[next] = persistenceError;
        next = (next + 1) % model.length;
        count = Math.min(count + 1, model.length);
    }

    static float meanAbsolute(float[] errors, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += Math.abs(errors[i]);
        }
        return count == 0 ? Float.NaN : (float) (sum / count);
    }

    static float rootMeanSquared(float[] errors, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (double) errors[i] * errors[i];
        }
        return count == 0 ? Float.NaN : (float) Math.sqrt(sum / count);
    }

    ErrorWindow copy() {
        return new ErrorWindow(model.clone(), persistence.clone(), count, next);
    }
}
