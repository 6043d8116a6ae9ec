package io.flowcast.model.online;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.train.Trainer;
import io.flowcast.model.train.TrainingConfig;
import io.flowcast.model.train.TrainingReport;
import io.flowcast.model.train.WindowedSamples;
import io.flowcast.model.io.SavedModel;
import io.flowcast.model.io.WeightFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training side of one model: keeps every key's recent history (the replay buffer) and, every
 * {@code retrainEvery} of event time, fits a new version and decides whether to publish it.
 *
 * <p>A fit: the {@link BlendedBaseline} is fitted on the replay windows, then a residual net is
 * trained on them (warm-started from the serving net, cold the first time), holding out the newest
 * windows (time order) as validation. The net is published only if its validation loss is finite,
 * it improved on its start, and it beats the baseline alone by {@code netMargin}; failing that, the
 * new baseline alone is published if it beats the serving model on those windows; otherwise the
 * serving model stays, and {@link FitOutcome#decision()} says why. A fit whose training diverges
 * (non-finite loss) therefore never replaces the model.
 *
 * <p>Callers feed {@link #observe} in event-time order across keys and call {@link #maybeRetrain}
 * once every event at or before a time stamp is in: a model trained at t has seen nothing after t.
 * Memory: {@code historyLength} steps per key (16 bytes a step) plus the samples of one fit.
 */
public final class Retrainer {

    private final String name;
    private final OnlineRecipe recipe;
    private final InputRows rows;
    private final NetConfig netConfig;
    private final Map<String, KeyHistory> keys = new LinkedHashMap<>();
    private ServingModel serving;
    private final float[] one = new float[1];
    /** The net of the last fit, published or not: the next fit starts from it if no net serves. */
    private RecurrentNet trained;
    private long nextRetrainMillis = Long.MIN_VALUE;
    private int fits;
    private long published;

    /** One key's replay history and running scaler. */
    static final class KeyHistory {
        final SeriesBuffer buffer;
        final StreamingScaler live;

        KeyHistory(SeriesBuffer buffer, StreamingScaler live) {
            this.buffer = buffer;
            this.live = live;
        }
    }

    /**
     * What a due fit did.
     *
     * @param report    the trainer's report
     * @param published the new version, or null if the serving one stays
     * @param decision  one line: what was published, or why nothing was
     */
    public record FitOutcome(TrainingReport report, ServingModel published, String decision) {
    }

    public Retrainer(String name, OnlineRecipe recipe) {
        this.name = name;
        this.recipe = recipe;
        this.rows = new InputRows(recipe.horizon(), recipe.season(), recipe.seasons());
        this.netConfig = new NetConfig(recipe.cell(), rows.size(), recipe.hidden(), recipe.layers(), recipe.outputSize());
    }

    public String name() {
        return name;
    }

    public OnlineRecipe recipe() {
        return recipe;
    }

    /** Appends one event of {@code key} (NaN: missing); events of a key come in time order. */
    public void observe(String key, long epochMillis, float value) {
        KeyHistory k = keys.computeIfAbsent(key,
                x -> new KeyHistory(new SeriesBuffer(recipe.historyLength()), new StreamingScaler(1)));
        if (k.buffer.count() > 0 && epochMillis <= k.buffer.timestamp(k.buffer.last())) {
            throw new IllegalArgumentException("key " + key + ": event at " + epochMillis
                    + " is not after the last one (" + k.buffer.timestamp(k.buffer.last()) + ")");
        }
        k.buffer.append(epochMillis, value);
        if (!Float.isNaN(value)) {
            k.live.update(oneValue(value));
        }
    }

    /** Whether a fit is due once every event at or before {@code epochMillis} is in. */
    public boolean due(long epochMillis) {
        return fits == 0 || epochMillis >= nextRetrainMillis;
    }

    /**
     * Fits if due at {@code epochMillis} (every event at or before it observed, none after).
     * Returns what the fit did, or null if none was due or there are too few windows yet.
     */
    public FitOutcome maybeRetrain(long epochMillis) {
        if (!due(epochMillis)) { // a cold fit that was not published waits too
            return null;
        }
        TreeMap<String, StreamingScaler> frozen = new TreeMap<>();
        keys.forEach((key, k) -> frozen.put(key, k.live.copy()));
        float[] weights = new float[BlendedBaseline.size(recipe.horizon())];
        float[][] residualQuantiles = new float[1][];
        WindowedSamples samples = samples(frozen, weights, residualQuantiles);
        if (samples == null) {
            return null;
        }
        RecurrentNet servingNet = serving != null ? serving.net() : null;
        RecurrentNet start = servingNet != null ? servingNet : trained;
        boolean cold = start == null;
        RecurrentNet candidate = cold ? RecurrentNet.initialized(netConfig, recipe.seed()) : start.copy();
        TrainingConfig config = recipe.training().toBuilder()
                .epochs(cold ? recipe.firstEpochs() : Math.max(1, recipe.warmEpochs()))
                .seed(recipe.seed() * 1_000_003L + fits).build();
        TrainingReport report = new Trainer(config).fit(candidate, samples);
        fits++;
        nextRetrainMillis = epochMillis + recipe.retrainEvery().toMillis();
        trained = candidate;
        // Judged on the same newest windows: the new net, the new baseline alone (a zero residual)
        // and the serving net (the fit's starting weights). A serving baseline alone is always
        // replaced by the newly fitted one.
        double netLoss = report.bestValidationLoss();
        double baselineLoss = validationLossOfZero(samples, config);
        double servingLoss = servingNet != null ? report.initialValidationLoss() : Double.POSITIVE_INFINITY;
        if (!recipe.residual() || !Double.isFinite(baselineLoss)) {
            baselineLoss = Double.POSITIVE_INFINITY; // no baseline to fall back on
        }
        boolean improved = servingNet == null || report.bestEpoch() > 0; // else it is the serving net
        long millis = report.elapsed().toMillis();
        String losses = String.format(Locale.ROOT, "validation loss: net %.5g, baseline alone %.5g, serving %s",
                netLoss, baselineLoss, serving == null ? "none" : String.format(Locale.ROOT, "%.5g", servingLoss));
        if (Double.isFinite(netLoss) && netLoss < (1 - recipe.netMargin()) * baselineLoss && improved) {
            float[] widening = recipe.quantiles() ? conformalWidening(candidate, samples, config) : new float[0];
            ServingModel m = publish(candidate, frozen, weights, widening,
                    new ServingModel.Info(epochMillis, samples.count(), netLoss, baselineLoss, millis));
            return new FitOutcome(report, m, "published v" + m.version() + " (net); " + losses);
        }
        if (baselineLoss < servingLoss) {
            float[] quantiles = recipe.quantiles() ? residualQuantiles[0] : new float[0];
            ServingModel m = publish(null, frozen, weights, quantiles,
                    new ServingModel.Info(epochMillis, samples.count(), baselineLoss, baselineLoss, millis));
            return new FitOutcome(report, m, "published v" + m.version() + " (baseline alone: no net beat it"
                    + (Double.isFinite(netLoss) ? "" : "; training diverged") + "); " + losses);
        }
        String why = !Double.isFinite(netLoss) ? "training diverged (non-finite validation loss)"
                : !improved ? "the net did not improve on the serving one"
                : "the net does not beat the baseline alone by " + Math.round(100 * recipe.netMargin()) + " %";
        return new FitOutcome(report, null, "kept " + (serving == null ? "the baseline (v0)" : "v" + serving.version())
                + ": " + why + "; " + losses);
    }

    private ServingModel publish(RecurrentNet net, TreeMap<String, StreamingScaler> scalers, float[] baseline,
                                 float[] residualQuantiles, ServingModel.Info info) {
        published++;
        serving = new ServingModel(name, published, ServingModel.Shape.of(recipe), net == null ? null : net.copy(),
                baseline, residualQuantiles, scalers, info);
        return serving;
    }

    /**
     * Conformalized quantile regression (Romano, Patterson and Candès, 2019) on the validation
     * windows, which the net was not trained on: per horizon, the amount Q by which
     * [p10 - Q, p90 + Q] covers 80 % of them. A pinball-trained band fits the windows it was trained
     * on and is a little narrow on new data (74.7 % on NYC before this); Q widens it (or narrows it)
     * to the nominal coverage. Returned as offsets {@code [-Q, 0, +Q]} per horizon.
     */
    private float[] conformalWidening(RecurrentNet net, WindowedSamples samples, TrainingConfig config) {
        int q = ServingModel.QUANTILES.length;
        int h = recipe.horizon();
        int held = Math.max(1, (int) Math.round(samples.count() * config.validationFraction()));
        float[] state = net.newState();
        float[] row = new float[samples.inputSize()];
        float[] out = new float[samples.outputSize()];
        float[][] scores = new float[h][held];
        int[] n = new int[h];
        for (int s = samples.count() - held; s < samples.count(); s++) {
            java.util.Arrays.fill(state, 0f);
            for (int t = 0; t < samples.steps(); t++) {
                for (int f = 0; f < row.length; f++) {
                    row[f] = samples.input(s, t, f);
                }
                net.step(state, row, out);
            }
            for (int k = 0; k < h; k++) {
                float y = samples.target(s, k * q + 1);
                if (!Float.isNaN(y)) {
                    scores[k][n[k]++] = Math.max(out[k * q] - y, y - out[k * q + 2]);
                }
            }
        }
        float coverage = ServingModel.QUANTILES[q - 1] - ServingModel.QUANTILES[0];
        float[] offsets = new float[h * q];
        for (int k = 0; k < h; k++) {
            if (n[k] == 0) {
                continue;
            }
            Arrays.sort(scores[k], 0, n[k]);
            int rank = Math.min(n[k] - 1, (int) Math.ceil((n[k] + 1) * coverage) - 1);
            float widen = scores[k][Math.max(0, rank)];
            offsets[k * q] = -widen;
            offsets[k * q + q - 1] = widen;
        }
        return offsets;
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

    /**
     * The replay buffer as samples: per key, the windows ending in the newest {@code replaySamples}
     * steps whose targets are observed (and whose inputs, with a season of look-back, are held),
     * every {@code keys}-th of them, so all keys together give about {@code replaySamples} windows;
     * merged in time order so the validation part is the newest. Null while fewer than
     * {@code minSamples}. With one key that is every window; with K keys each key still spans the
     * same weeks (K-fold thinned, neighbouring windows overlap almost entirely anyway), so the
     * cost of a fit is independent of K and the validation part always covers the newest days.
     */
    private WindowedSamples samples(Map<String, StreamingScaler> scalers, float[] weights, float[][] quantilesOut) {
        int h = recipe.horizon();
        int window = recipe.window();
        int season = recipe.season();
        List<long[]> ends = new ArrayList<>(); // {key ordinal, end index, end time}
        List<KeyHistory> states = new ArrayList<>(keys.values());
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
        int n = ends.size();
        float[] inputs = new float[n * window * in];
        float[] targets = new float[n * h];
        float[] baselines = recipe.residual() ? new float[n * h * 2] : null; // {last, reference}
        for (int s = 0; s < n; s++) {
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
        if (!recipe.quantiles()) {
            return new WindowedSamples(window, in, h, inputs, targets);
        }
        int q = ServingModel.QUANTILES.length;
        float[] replicated = new float[n * h * q];
        for (int i = 0; i < n * h; i++) {
            Arrays.fill(replicated, i * q, i * q + q, targets[i]);
        }
        quantilesOut[0] = residualQuantiles(targets, n, h);
        return new WindowedSamples(window, in, h * q, inputs, replicated);
    }

    /** Per horizon, the p10/p50/p90 of the present residuals (0 where none is present). */
    private static float[] residualQuantiles(float[] residuals, int n, int h) {
        float[] out = new float[h * ServingModel.QUANTILES.length];
        float[] column = new float[n];
        for (int k = 0; k < h; k++) {
            int present = 0;
            for (int s = 0; s < n; s++) {
                float r = residuals[s * h + k];
                if (!Float.isNaN(r)) {
                    column[present++] = r;
                }
            }
            Arrays.sort(column, 0, present);
            for (int j = 0; j < ServingModel.QUANTILES.length; j++) {
                out[k * ServingModel.QUANTILES.length + j] = present == 0 ? 0f
                        : column[Math.min(present - 1, (int) (ServingModel.QUANTILES[j] * present))];
            }
        }
        return out;
    }

    /** The serving version (null before the first). */
    public ServingModel serving() {
        return serving;
    }

    /** Fits run so far (published or not). */
    public int fits() {
        return fits;
    }

    /** Versions published so far (the newest's version number). */
    public long published() {
        return published;
    }

    public NetConfig netConfig() {
        return netConfig;
    }

    public int keyCount() {
        return keys.size();
    }

    /**
     * Everything this trainer knows, for a checkpoint: every key's history and scaler (in the
     * order keys were first seen, which orders the samples), the serving model, the last trained
     * net and the schedule. The recipe is configuration, not state: {@link #readFrom} takes it.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeLong(nextRetrainMillis);
        out.writeInt(fits);
        out.writeLong(published);
        writeBytes(out, serving == null ? null : ServingModelFormat.toBytes(serving));
        writeBytes(out, trained == null ? null : WeightFormat.toBytes(new SavedModel(trained)));
        out.writeInt(keys.size());
        for (Map.Entry<String, KeyHistory> e : keys.entrySet()) {
            out.writeUTF(e.getKey());
            SeriesBuffer b = e.getValue().buffer;
            out.writeLong(b.count());
            out.writeFloat(b.lastFinite());
            out.writeInt(b.capacity());
            for (int i = 0; i < b.capacity(); i++) {
                out.writeLong(b.timestampSlots()[i]);
                out.writeFloat(b.observedSlots()[i]);
                out.writeFloat(b.filledSlots()[i]);
            }
            e.getValue().live.writeTo(out);
        }
    }

    /** Restores what {@link #writeTo} wrote; a history shorter or longer than the recipe's is resized. */
    public static Retrainer readFrom(DataInput in, String name, OnlineRecipe recipe) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("trainer state version " + version + "; this build reads " + STATE_VERSION);
        }
        Retrainer r = new Retrainer(name, recipe);
        r.nextRetrainMillis = in.readLong();
        r.fits = in.readInt();
        r.published = in.readLong();
        byte[] serving = readBytes(in);
        r.serving = serving == null ? null : ServingModelFormat.fromBytes(serving);
        byte[] trained = readBytes(in);
        r.trained = trained == null ? null : WeightFormat.fromBytes(trained).net();
        int keys = in.readInt();
        for (int k = 0; k < keys; k++) {
            String key = in.readUTF();
            long count = in.readLong();
            float lastFinite = in.readFloat();
            int capacity = in.readInt();
            long[] times = new long[capacity];
            float[] observed = new float[capacity];
            float[] filled = new float[capacity];
            for (int i = 0; i < capacity; i++) {
                times[i] = in.readLong();
                observed[i] = in.readFloat();
                filled[i] = in.readFloat();
            }
            SeriesBuffer b = SeriesBuffer.restore(count, lastFinite, times, observed, filled)
                    .withCapacity(recipe.historyLength());
            r.keys.put(key, new KeyHistory(b, StreamingScaler.readFrom(in)));
        }
        return r;
    }

    private static final int STATE_VERSION = 1;

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private float[] oneValue(float value) {
        one[0] = value;
        return one;
    }
}
