package io.flowcast.model.online;

import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.features.StreamingScaler;

/**
 * The network input at one index of a {@link SeriesBuffer}, all z-scored with one scaler:
 * {@code [z(x[i]), calendar(t[i]) x4, z(r[i]), z(r[i+1]) .. z(r[i+H])]} where {@code r[j]} is the
 * seasonal reference of step j: the median of {@code x[j-P], x[j-2P], .. x[j-S*P]} (those held; the
 * mean of two, the value of one). So the net sees how far this season runs above the usual one and
 * what a seasonal-naive forecast says for every horizon; the median keeps one abnormal past season
 * (a storm, a holiday, a daylight-saving hole) from being copied a season later. Missing values
 * read as the last finite one; a value not held (or none yet) reads as 0, the mean.
 */
public final class InputRows {

    private final int horizon;
    private final int season;
    private final int seasons;
    private final int size;
    private final float[] past;
    private final CalendarFeatures calendar = new CalendarFeatures();

    /**
     * @param season  P, the period in steps (0: no seasonal features)
     * @param seasons S, past seasons in the reference median (1: last season's value)
     */
    public InputRows(int horizon, int season, int seasons) {
        if (season > 0 && seasons <= 0) {
            throw new IllegalArgumentException("seasons must be positive, got " + seasons);
        }
        this.horizon = horizon;
        this.season = season;
        this.seasons = seasons;
        this.past = new float[Math.max(1, seasons)];
        this.size = 1 + CalendarFeatures.SIZE + (season > 0 ? horizon + 1 : 0);
    }

    public int size() {
        return size;
    }

    /** Writes the row of index {@code i} at {@code out[off..off+size)}. */
    public void write(SeriesBuffer buffer, long i, StreamingScaler scaler, float[] out, int off) {
        out[off] = z(buffer, i, scaler);
        calendar.write(buffer.timestamp(i), out, off + 1);
        if (season > 0) {
            int at = off + 1 + CalendarFeatures.SIZE;
            for (int k = 0; k <= horizon; k++) {
                out[at + k] = zOf(reference(buffer, i + k), scaler);
            }
        }
    }

    /** z of the filled value at {@code i}; 0 if not held or none yet. */
    static float z(SeriesBuffer buffer, long i, StreamingScaler scaler) {
        return buffer.holds(i) ? zOf(buffer.filled(i), scaler) : 0f;
    }

    static float zOf(float v, StreamingScaler scaler) {
        return Float.isNaN(v) ? 0f : scaler.transform(0, v);
    }

    /**
     * The seasonal reference of step {@code j} (which may lie ahead of the newest value, up to P):
     * the median of the filled values one to S seasons before it that are held; NaN if none is.
     */
    public float reference(SeriesBuffer buffer, long j) {
        int n = 0;
        for (int m = 1; m <= seasons; m++) {
            long at = j - (long) m * season;
            if (buffer.holds(at) && !Float.isNaN(buffer.filled(at))) {
                float v = buffer.filled(at);
                int k = n++;
                while (k > 0 && past[k - 1] > v) { // insertion sort: S is small
                    past[k] = past[k - 1];
                    k--;
                }
                past[k] = v;
            }
        }
        if (n == 0) {
            return Float.NaN;
        }
        return n % 2 == 1 ? past[n / 2] : 0.5f * (past[n / 2 - 1] + past[n / 2]);
    }
}
