package io.flowcast.model.online;

import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.features.StreamingScaler;

/**
 * The network input at one index of a {@link SeriesBuffer}, all z-scored with one scaler:
 * {@code [z(x[i]), calendar(t[i]) x4, z(x[i-P]), z(x[i+1-P]) .. z(x[i+H-P])]}. The seasonal lags
 * are last season's values at the current step and at each target step, so the net sees how far
 * this season runs above the last and what seasonal naive says for every horizon. Missing values
 * read as the last finite one; a value not held (or none yet) reads as 0, the mean.
 */
public final class InputRows {

    private final int horizon;
    private final int season;
    private final int size;
    private final CalendarFeatures calendar = new CalendarFeatures();

    public InputRows(int horizon, int season) {
        this.horizon = horizon;
        this.season = season;
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
                out[at + k] = z(buffer, i + k - season, scaler);
            }
        }
    }

    /** z of the filled value at {@code i}; 0 if not held or none yet. */
    static float z(SeriesBuffer buffer, long i, StreamingScaler scaler) {
        if (!buffer.holds(i)) {
            return 0f;
        }
        float v = buffer.filled(i);
        return Float.isNaN(v) ? 0f : scaler.transform(0, v);
    }
}
