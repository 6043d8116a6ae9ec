package io.flowcast.model.online;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.train.Trainer;
import io.flowcast.model.train.TrainingConfig;
import io.flowcast.model.train.TrainingReport;
import io.flowcast.model.train.WindowedSamples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online forecasting of many keyed series with one shared recurrent net, retrained periodically:
 * what the Flink job does, in one thread, so its accuracy can be measured.
 *
 * <p>{@link #observe} takes one event of one key, advances that key's state by exactly one
 * {@code step} and returns the forecast for {@code horizon} steps later (the seasonal reference
 * before the first model). {@link #maybeRetrain} is called once the events of a time stamp are in:
 * when due, it fits the {@link BlendedBaseline} and trains a candidate net on the residuals
 * (warm-started from the published net) over the replay buffer, i.e. the newest windows of every
 * key whose targets are all already observed, holding out the newest as validation. The candidate
 * is published only if its validation loss is finite, better than the published net's and better
 * than the baseline alone by a margin; failing that, the new baseline alone is published if it beats the
 * published model. Then every key's state is re-warmed by replaying its last {@code window} inputs
 * through the new weights. Each model carries a frozen copy of every key's scaler, so training and
 * serving scale alike. With {@code ensemble}, the forecast is the mean of the published model's and
 * the previous one's.
 */
public final class OnlineForecaster {

    /** Diagnostic only (-Dflowcast.exactWindows=true): replay the last window from zero at every event. */
    private static final boolean EXACT_WINDOWS = Boolean.getBoolean("flowcast.exactWindows");

    private final OnlineRecipe recipe;
    private final NetConfig netConfig;
    private final InputRows rows;
    private final Map<String, KeyState> keys = new LinkedHashMap<>();
    private final float[] row;
    private final float[] out;
    private final float[] one = new float[1];
    /** [0] the published model, [1] the one before it (for the ensemble); null until trained. */
    private final Model[] models = new Model[2];
    private long nextRetrainMillis = Long.MIN_VALUE;
    /** The net of the last fit, published or not: the next fit starts from it if no net is published. */
    private RecurrentNet trained;
    private int fits;
    private int published;
    private int publishedBaselines;
    private final List<TrainingReport> reports = new ArrayList<>();

    /**
     * A published model: the net (null: the fitted baseline alone, when no net beat it), the
     * per-key scalers it was trained with, and the coefficients of the {@link BlendedBaseline} its
     * residuals are added to.
     */
    private record Model(RecurrentNet net, Map<String, StreamingScaler> scalers, float[] baseline) {
    }

    private final class KeyState {
        final SeriesBuffer buffer = new SeriesBuffer(recipe.historyLength());
        final StreamingScaler live = new StreamingScaler(1);
        /** [0] the running state under the published model, [1] under the model before it. */
        final float[][] states = {new float[netConfig.stateSize()], new float[netConfig.stateSize()]};
    }

    public OnlineForecaster(OnlineRecipe recipe) {
        this.recipe = recipe;
        this.rows = new InputRows(recipe.horizon(), recipe.season(), recipe.seasons());
        this.netConfig = new NetConfig(recipe.cell(), rows.size(), recipe.hidden(), recipe.layers(), recipe.horizon());
        this.row = new float[rows.size()];
        this.out = new float[recipe.horizon()];
    }

    public OnlineRecipe recipe() {
        return recipe;
    }

    /**
     * Appends one event and returns the forecast of the value {@code horizon} steps later, in the
     * value's units; NaN only if the key has never had a finite value.
     */
    public float observe(String key, long epochMillis, float value) {
        KeyState k = keys.computeIfAbsent(key, x -> new KeyState());
        k.buffer.append(epochMillis, value);
        if (!Float.isNaN(value)) {
            one[0] = value;
            k.live.update(one);
        }
        long i = k.buffer.last();
        if (models[0] == null) {
            return baseline(k.buffer, i);
        }
        float forecast = forecast(0, key, k, i);
        if (recipe.ensemble() && models[1] != null) {
            forecast = 0.5f * (forecast + forecast(1, key, k, i));
        }
        return forecast;
    }

    private float forecast(int slot, String key, KeyState k, long i) {
        Model m = models[slot];
        StreamingScaler scaler = scalerOf(m, key, k);
        if (m.net() == null) {
            return decode(m, 0f, k.buffer, i, scaler);
        }
        if (EXACT_WINDOWS) { // diagnostic: the state training sees (zero, then L steps), every event
            replay(m.net(), k.states[slot], scaler, k.buffer);
        } else {
            rows.write(k.buffer, i, scaler, row, 0);
            m.net().step(k.states[slot], row, out);
        }
        return decode(m, out[recipe.horizon() - 1], k.buffer, i, scaler);
    }

    private float decode(Model m, float z, SeriesBuffer buffer, long i, StreamingScaler scaler) {
        if (recipe.residual()) {
            float last = buffer.filled(i);
            float reference = recipe.season() > 0 ? rows.reference(buffer, i + recipe.horizon()) : Float.NaN;
            z += BlendedBaseline.value(m.baseline(), recipe.horizon() - 1,
                    InputRows.zOf(last, scaler), Float.isNaN(reference) ? Float.NaN : scaler.transform(0, reference));
        }
        return scaler.inverse(0, z);
    }

    /** The seasonal reference (median of past seasons) when there is one, else the last value. */
    private float baseline(SeriesBuffer buffer, long i) {
        float reference = recipe.season() > 0 ? rows.reference(buffer, i + recipe.horizon()) : Float.NaN;
        return Float.isNaN(reference) ? buffer.filled(i) : reference;
    }

    private static StreamingScaler scalerOf(Model m, String key, KeyState k) {
        StreamingScaler s = m.scalers().get(key);
        return s != null ? s : k.live; // a key first seen after the model was trained
    }

    /**
     * Retrains if due at {@code epochMillis} (the time stamp whose events were all observed).
     * Returns the fit's report, or null if no fit was due or possible.
     */
    public TrainingReport maybeRetrain(long epochMillis) {
        if (fits > 0 && epochMillis < nextRetrainMillis) { // a cold fit that was not published waits too
            return null;
        }
        Map<String, StreamingScaler> frozen = new LinkedHashMap<>();
        keys.forEach((key, k) -> frozen.put(key, k.live.copy()));
        float[] weights = new float[BlendedBaseline.size(recipe.horizon())];
        WindowedSamples samples = samples(frozen, weights);
        if (samples == null) {
            return null;
        }
        RecurrentNet publishedNet = models[0] != null ? models[0].net() : null;
        RecurrentNet start = publishedNet != null ? publishedNet : trained;
        boolean cold = start == null;
        RecurrentNet candidate = cold ? RecurrentNet.initialized(netConfig, recipe.seed()) : start.copy();
        TrainingConfig config = recipe.training().toBuilder()
                .epochs(cold ? recipe.firstEpochs() : Math.max(1, recipe.warmEpochs()))
                .seed(recipe.seed() * 1_000_003L + fits).build();
        TrainingReport report = new Trainer(config).fit(candidate, samples);
        fits++;
        reports.add(report);
        nextRetrainMillis = epochMillis + recipe.retrainEvery().toMillis();
        trained = candidate;
        // Judged on the same newest windows: the new net, the new baseline alone (a zero residual)
        // and the published net (the fit's starting weights). A published baseline alone is
        // always replaced by the newly fitted one.
        double netLoss = report.bestValidationLoss();
        double baselineLoss = validationLossOfZero(samples, config);
        double publishedLoss = publishedNet != null ? report.initialValidationLoss() : Double.POSITIVE_INFINITY;
        if (!recipe.residual() || !Double.isFinite(baselineLoss)) {
            baselineLoss = Double.POSITIVE_INFINITY; // no baseline to fall back on
        }
        boolean improved = publishedNet == null || report.bestEpoch() > 0; // else it is the published net
        if (Double.isFinite(netLoss) && netLoss < (1 - recipe.netMargin()) * baselineLoss && improved) {
            publish(new Model(candidate, frozen, weights));
        } else if (baselineLoss < publishedLoss) {
            publish(new Model(null, frozen, weights));
            publishedBaselines++;
        }
        return report;
    }

    /** The loss of predicting a zero residual (the baseline alone) on the part the trainer validates on. */
    private static double validationLossOfZero(WindowedSamples samples, TrainingConfig config) {
        if (config.validationFraction() == 0) {
            return Double.NaN;
        }
        int held = Math.max(1, (int) Math.round(samples.count() * config.validationFraction()));
        int h = samples.outputSize();
        float[] zero = new float[h];
        float[] target = new float[h];
        float[] grad = new float[h];
        double sum = 0;
        long present = 0;
        for (int s = samples.count() - held; s < samples.count(); s++) {
            for (int o = 0; o < h; o++) {
                target[o] = samples.target(s, o);
                present += Float.isNaN(target[o]) ? 0 : 1;
            }
            sum += config.loss().rowLoss(zero, 0, target, 0, h, grad, 0);
        }
        return present > 0 ? sum / present : Double.NaN;
    }

    private void publish(Model model) {
        models[1] = models[0];
        models[0] = model;
        published++;
        for (Map.Entry<String, KeyState> e : keys.entrySet()) {
            KeyState k = e.getValue();
            float[] previous = k.states[0];
            k.states[0] = k.states[1];
            k.states[1] = previous; // the old model keeps its running state
            rewarm(model, e.getKey(), k);
        }
    }

    /** Zero state, then the key's last {@code window} inputs through the new weights. */
    private void rewarm(Model model, String key, KeyState k) {
        float[] state = k.states[0];
        Arrays.fill(state, 0f);
        if (model.net() == null) {
            return;
        }
        replay(model.net(), state, scalerOf(model, key, k), k.buffer);
    }

    private void replay(RecurrentNet net, float[] state, StreamingScaler scaler, SeriesBuffer buffer) {
        Arrays.fill(state, 0f);
        long last = buffer.last();
        long from = Math.max(buffer.first(), last - recipe.window() + 1);
        for (long i = from; i <= last; i++) {
            rows.write(buffer, i, scaler, row, 0);
            net.step(state, row, out);
        }
    }

    /**
     * The replay buffer as samples: per key, the windows ending in the newest {@code replaySamples}
     * steps whose targets are observed (and whose inputs, with a season of look-back, are held),
     * every {@code keys}-th of them, so all keys together give about {@code replaySamples} windows;
     * merged in time order so the validation part is the newest. Null while fewer than
     * {@code minSamples}. With one key that is every window; with K keys each key still spans the
     * same weeks (K-fold thinned, neighbouring windows overlap almost entirely anyway), so the
     * cost of a fit is independent of K and the validation part always covers the newest days.
     */
    private WindowedSamples samples(Map<String, StreamingScaler> scalers, float[] weights) {
        int h = recipe.horizon();
        int window = recipe.window();
        int season = recipe.season();
        List<long[]> ends = new ArrayList<>(); // {key ordinal, end index, end time}
        List<KeyState> states = new ArrayList<>(keys.values());
        List<String> names = new ArrayList<>(keys.keySet());
        int stride = Math.max(1, keys.size());
        for (int key = 0; key < states.size(); key++) {
            SeriesBuffer b = states.get(key).buffer;
            long lastEnd = b.last() - h;
            long firstEnd = Math.max(b.first() + window - 1 + season, lastEnd - recipe.replaySamples() + 1);
            for (long e = lastEnd; e >= firstEnd; e -= stride) {
                if (!Float.isNaN(b.filled(e - window + 1))) {
                    ends.add(new long[] {key, e, b.timestamp(e)});
                }
            }
        }
        if (ends.size() < recipe.minSamples()) {
            return null;
        }
        ends.sort(Comparator.comparingLong((long[] a) -> a[2]).thenComparingLong(a -> a[0]));
        int in = rows.size();
        float[] inputs = new float[ends.size() * window * in];
        float[] targets = new float[ends.size() * h];
        float[] baselines = recipe.residual() ? new float[ends.size() * h * 2] : null; // {last, reference}
        for (int s = 0; s < ends.size(); s++) {
            long[] end = ends.get(s);
            SeriesBuffer b = states.get((int) end[0]).buffer;
            StreamingScaler scaler = scalers.get(names.get((int) end[0]));
            long e = end[1];
            for (int t = 0; t < window; t++) {
                rows.write(b, e - window + 1 + t, scaler, inputs, (s * window + t) * in);
            }
            float last = InputRows.z(b, e, scaler);
            for (int k = 1; k <= h; k++) {
                float y = b.observed(e + k);
                targets[s * h + k - 1] = Float.isNaN(y) ? Float.NaN : scaler.transform(0, y);
                if (baselines != null) {
                    float r = season > 0 ? rows.reference(b, e + k) : Float.NaN;
                    baselines[(s * h + k - 1) * 2] = last;
                    baselines[(s * h + k - 1) * 2 + 1] = Float.isNaN(r) ? Float.NaN : scaler.transform(0, r);
                }
            }
        }
        if (baselines != null) {
            BlendedBaseline.fitAndSubtract(h, targets, baselines, weights);
        }
        return new WindowedSamples(window, in, h, inputs, targets);
    }

    /** Fits run so far (published or not). */
    public int fits() {
        return fits;
    }

    /** Of {@link #published()}, how many were the fitted baseline alone (no net beat it). */
    public int publishedBaselines() {
        return publishedBaselines;
    }

    /** The published model's baseline coefficients {@code [a_0, c_0, a_1, c_1, ...]}; null before one. */
    public float[] baselineCoefficients() {
        return models[0] == null ? null : models[0].baseline().clone();
    }

    /** Models published so far. */
    public int published() {
        return published;
    }

    public List<TrainingReport> reports() {
        return reports;
    }

    public NetConfig netConfig() {
        return netConfig;
    }
}
