package io.flowcast.model.online;

import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves {@link ServingModel}s: per event of a key, appends it to the key's {@link ServingState},
 * steps the key's recurrent state under the serving model (and the one before it, for the
 * ensemble) and decodes a forecast for every horizon. One instance per thread (its buffers are
 * scratch); it allocates nothing per event once a key's state is shaped for its model.
 *
 * <p>New weights: a key whose state was built by another version is re-warmed first (state zeroed,
 * its last {@code window} steps replayed through the new weights), exactly what the trainer's
 * windows look like, so the forecast does not jump. That happens lazily, at the key's next event.
 *
 * <p>Scaling: a key's values are z-scored with its own running scaler ({@link ServingState}), as
 * its training windows were when they were cut; a model carries nothing per key.
 *
 * <p>Out of domain: when a key's last value lies more than {@link #OUT_OF_RANGE_Z} standard
 * deviations from the key's mean as it was when the model started serving the key (about when the
 * model was trained: the slot's domain scaler), the model forecasts persistence until a newer
 * version serves the key (a CPU series that jumps from 33 % to 99 % would otherwise be forecast
 * back towards its old level).
 *
 * <p>Before any model (version 0), the forecast is the seasonal reference (the median of the same
 * step in the last {@code seasons} seasons) where the history holds one, else persistence.
 */
public final class ResidualForecaster {

    /**
     * A last value further than this many standard deviations from the key's mean when the model
     * started serving it is outside what the model learned of the key: it forecasts persistence.
     */
    public static final float OUT_OF_RANGE_Z = 8f;
    /**
     * A one-step forecast departs from the last value by at most this many of the series' typical
     * one-step changes ({@link BaselineFeatures#typicalChange}: the mean absolute step over its last 168).
     * Why: the fitted baseline reverts part of every step, which is right for the noise it was fitted
     * on and wrong for a step many times larger (a CPU jumping from 31 % to 88 % was forecast at
     * 11 %, a failing machine's recovery was forecast to turn back). Robust exponential smoothing
     * clips its one-step errors at a multiple of a robust scale for the same reason. Longer horizons
     * are not bounded: there the seasonal change to come legitimately moves a forecast far; at one
     * step the bound is widened by the move the daily or weekly cycle makes there.
     */
    public static final float ONE_STEP_BOUND = 1.5f;
    /**
     * A net corrects its baseline at horizon k by at most this many of the series' typical k-step
     * changes. Why: a net is a good correction inside what it was trained on and an arbitrary one
     * outside it. A net that validated a third better than its baseline days before a machine
     * failed then missed by forty times the baseline's loss in it; the bound keeps such a net
     * within a fraction of the series' usual motion.
     */
    public static final float NET_BOUND = 0.5f;

    private final boolean ensemble;
    private final int baselineSeason;
    private final int baselineSeasons;
    private final Map<ServingModel.Shape, InputRows> rowsByShape = new HashMap<>();
    private InputRows baselineRows;
    private final Map<ServingModel.Shape, BaselineFeatures> featuresByShape = new HashMap<>();
    private final float[] features = new float[BaselineFeatures.COUNT];
    private final float[] one = new float[1];
    private float[] row = new float[0];
    private float[] out = new float[0];

    /**
     * @param ensemble        forecast the mean of the serving model and the one before it
     * @param baselineSeason  season in steps for the forecast before any model (0: persistence)
     * @param baselineSeasons seasons in its reference median
     */
    public ResidualForecaster(boolean ensemble, int baselineSeason, int baselineSeasons) {
        this.ensemble = ensemble;
        this.baselineSeason = baselineSeason;
        this.baselineSeasons = Math.max(1, baselineSeasons);
    }

    /** Steps of history a key needs before any model: the baseline's look-back. */
    public int baselineRingLength() {
        return Math.max(1, baselineSeason * baselineSeasons);
    }

    /** Appends one event (NaN value: missing); the running scaler learns from finite values. */
    public void append(ServingState s, long epochMillis, float value) {
        s.buffer.append(epochMillis, value);
        if (!Float.isNaN(value)) {
            s.live.update(oneValue(value));
        }
    }

    /**
     * The forecasts of the key's newest event for horizons 1..H into {@code point} (and, if not
     * null, {@code low}/{@code high}: p10 and p90; NaN when the model has no quantiles). H is the
     * model's horizon (or {@code point.length} before any model). Returns the version forecast with
     * (0: the baseline).
     *
     * @param current  the serving model; null before the first
     * @param previous the one before it (used with the ensemble); may be null
     */
    public long forecast(ServingState s, String key, ServingModel current, ServingModel previous,
                         float[] point, float[] low, float[] high) {
        if (current == null) {
            baseline(s, point, low, high);
            return 0;
        }
        ensureHistory(s, current);
        boolean both = ensemble && previous != null;
        int slot = ensureSlot(s, key, current, both ? previous : null);
        decode(s, key, current, slot, point, low, high);
        if (both) {
            ensureHistory(s, previous);
            int other = ensureSlot(s, key, previous, current);
            int h = current.shape().horizon();
            // The net's outputs now are the previous model's: decode it horizon by horizon and average.
            for (int k = 0; k < h; k++) {
                float a = point[k];
                float lo = low != null ? low[k] : 0;
                float hi = high != null ? high[k] : 0;
                decodeOne(s, key, previous, other, k, point, low, high);
                point[k] = 0.5f * (a + point[k]);
                if (low != null) { // a model without quantiles contributes no band: keep the other's
                    low[k] = mean(lo, low[k]);
                    high[k] = mean(hi, high[k]);
                }
            }
        }
        return current.version();
    }

    private static float mean(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : 0.5f * (a + b);
    }

    private void ensureHistory(ServingState s, ServingModel m) {
        s.buffer = s.buffer.withCapacity(m.shape().ringLength());
    }

    /**
     * The slot holding the key's state under {@code m}, stepped by the newest event: re-warmed from
     * the history first if no slot holds {@code m}'s version (into a slot not holding {@code keep}).
     */
    private int ensureSlot(ServingState s, String key, ServingModel m, ServingModel keep) {
        int slot = s.versions[0] == m.version() ? 0 : s.versions[1] == m.version() ? 1 : -1;
        RecurrentNet net = m.net();
        if (net == null) {
            if (slot < 0) {
                slot = keep != null && s.versions[0] == keep.version() ? 1 : 0;
                s.versions[slot] = m.version();
                s.domains[slot] = s.live.copy();
            }
            return slot;
        }
        if (slot >= 0 && (s.states[slot] == null || s.states[slot].length != net.config().stateSize())) {
            // Not this net's state, whatever the version says (a version number reused for a net of
            // another size, say, in a restored job): re-warmed below, as for a version never served.
            s.versions[slot] = -1;
            slot = -1;
        }
        InputRows rows = rows(m);
        StreamingScaler scaler = s.live;
        long last = s.buffer.last();
        if (slot < 0) {
            slot = keep != null && s.versions[0] == keep.version() ? 1 : 0;
            if (s.states[slot] == null || s.states[slot].length != net.config().stateSize()) {
                s.states[slot] = net.newState();
            }
            float[] state = s.states[slot];
            Arrays.fill(state, 0f);
            long from = Math.max(s.buffer.first(), last - m.shape().window());
            for (long i = from; i < last; i++) { // the window before this event, then this event below
                rows.write(s.buffer, i, scaler, row, 0);
                net.step(state, row, out);
            }
            s.versions[slot] = m.version();
            s.domains[slot] = s.live.copy();
        }
        rows.write(s.buffer, last, scaler, row, 0);
        net.step(s.states[slot], row, out);
        return slot;
    }

    /** Decodes every horizon of slot {@code slot}'s model; the net's outputs are in {@link #out}. */
    private void decode(ServingState s, String key, ServingModel m, int slot, float[] point, float[] low, float[] high) {
        for (int k = 0; k < m.shape().horizon(); k++) {
            decodeOne(s, key, m, slot, k, point, low, high);
        }
    }

    private void decodeOne(ServingState s, String key, ServingModel m, int slot, int k, float[] point, float[] low,
                           float[] high) {
        // out holds the outputs of the net stepped last: each model is decoded right after its step.
        StreamingScaler scaler = s.live;
        SeriesBuffer b = s.buffer;
        long i = b.last();
        float lastValue = b.filled(i);
        StreamingScaler domain = s.domains[slot] != null && s.domains[slot].count() >= m.shape().window()
                ? s.domains[slot] : scaler; // a key too new when the model came: its history so far
        if (!Float.isNaN(lastValue) && Math.abs(domain.transform(0, lastValue)) > OUT_OF_RANGE_Z) {
            // Far outside what the key looked like when this model came (a level shift since): a net
            // and a fitted baseline would extrapolate, so the model forecasts persistence until a
            // newer version, trained on the new level, serves the key.
            point[k] = lastValue;
            if (low != null) {
                low[k] = Float.NaN;
                high[k] = Float.NaN;
            }
            return;
        }
        float base = 0;
        boolean residual = m.shape().season() > 0;
        if (residual) {
            features(m).write(b, i, k + 1, scaler, features, 0);
            base = BlendedBaseline.value(m.baseline(), m.shape().horizon(), k, features, 0);
        }
        int q = m.shape().outputsPerHorizon();
        if (q == 1) {
            float correction = m.net() == null ? 0f : boundedCorrection(b, i, k + 1, m, scaler, out[k]);
            point[k] = scaler.inverse(0, base + correction);
            if (residual && k == 0) {
                point[k] = boundedOneStep(b, i, m, lastValue, point[k], BaselineFeatures.seasonalMove(features, 0, scaler));
            }
            if (low != null) {
                low[k] = Float.NaN;
                high[k] = Float.NaN;
            }
            return;
        }
        point[k] = scaler.inverse(0, base + quantile(m, k * q + 1));
        if (low != null) {
            low[k] = scaler.inverse(0, base + quantile(m, k * q));
            high[k] = scaler.inverse(0, base + quantile(m, k * q + 2));
        }
    }

    /** The net's output {@code z} for horizon {@code k} (1..H), clipped to {@link #NET_BOUND} typical k-step changes. */
    private float boundedCorrection(SeriesBuffer b, long i, int k, ServingModel m, StreamingScaler scaler, float z) {
        float typical = features(m).typicalChange(b, i, k);
        if (Float.isNaN(typical)) {
            return z;
        }
        float limit = NET_BOUND * (scaler.transform(0, typical) - scaler.transform(0, 0f));
        return Math.max(-limit, Math.min(limit, z));
    }

    /**
     * {@code forecast} moved to within {@code move} plus {@link #ONE_STEP_BOUND} typical one-step
     * changes of {@code last}.
     */
    private float boundedOneStep(SeriesBuffer b, long i, ServingModel m, float last, float forecast, float move) {
        float typical = features(m).typicalChange(b, i, 1);
        if (Float.isNaN(typical) || Float.isNaN(last)) {
            return forecast;
        }
        float limit = move + ONE_STEP_BOUND * typical;
        return last + Math.max(-limit, Math.min(limit, forecast - last));
    }

    /** Output {@code j} of a quantile head (zero without a net) plus the model's offset for it. */
    private float quantile(ServingModel m, int j) {
        float[] offsets = m.residualQuantiles();
        return (m.net() == null ? 0f : out[j]) + (offsets.length == 0 ? 0f : offsets[j]);
    }

    private InputRows rows(ServingModel m) {
        ServingModel.Shape shape = m.shape();
        InputRows rows = rowsByShape.get(shape);
        if (rows == null) {
            rows = new InputRows(shape.horizon(), shape.season(), shape.seasons());
            rowsByShape.put(shape, rows);
            row = new float[Math.max(row.length, rows.size())];
            int outputs = shape.horizon() * shape.outputsPerHorizon();
            out = new float[Math.max(out.length, outputs)];
        }
        if (m.net() != null && (row.length != m.net().config().inputSize() || out.length != m.net().config().outputSize())) {
            row = new float[m.net().config().inputSize()];
            out = new float[m.net().config().outputSize()];
        }
        return rows;
    }

    private BaselineFeatures features(ServingModel m) {
        BaselineFeatures f = featuresByShape.get(m.shape());
        if (f == null) {
            f = new BaselineFeatures(m.shape().horizon(), m.shape().window(), m.shape().season(), m.shape().seasons());
            featuresByShape.put(m.shape(), f);
        }
        return f;
    }

    /** Version 0: the seasonal reference where held, else the last value; no quantiles. */
    private void baseline(ServingState s, float[] point, float[] low, float[] high) {
        SeriesBuffer b = s.buffer;
        long i = b.last();
        if (baselineSeason > 0 && baselineRows == null) {
            baselineRows = new InputRows(point.length, baselineSeason, baselineSeasons);
        }
        for (int k = 0; k < point.length; k++) {
            float reference = baselineSeason > 0 ? baselineRows.reference(b, i + k + 1) : Float.NaN;
            point[k] = Float.isNaN(reference) ? b.filled(i) : reference;
            if (low != null) {
                low[k] = Float.NaN;
                high[k] = Float.NaN;
            }
        }
    }

    private float[] oneValue(float value) {
        one[0] = value;
        return one;
    }
}
