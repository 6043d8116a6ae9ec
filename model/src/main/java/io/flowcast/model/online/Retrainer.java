package io.flowcast.model.online;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
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
import java.util.List;
import java.util.Locale;

/**
 * The fitting side of one model: every {@code retrainEvery} of event time, fits a new version on the
 * windows of its replay buffer ({@link ModelTrainer} keeps them) and decides whether to publish it.
 * It holds nothing per series: the serving model, the last trained net and the schedule.
 *
 * <p>A fit: the {@link BlendedBaseline} is fitted on the replay windows, then a residual net is
 * trained on them (warm-started from the serving net, cold the first time or when the recipe's net
 * changed since the restored nets were trained), holding out the newest
 * windows (time order) as validation. The net is published only if its validation loss is finite,
 * it improved on its start, and it beats the baseline alone by {@code netMargin}; failing that, the
 * new baseline alone is published if it beats the serving model on those windows; otherwise the
 * serving model stays, and {@link FitOutcome#decision()} says why. A fit whose training diverges
 * (non-finite loss) therefore never replaces the model.
 *
 * <p>Callers call {@link #maybeRetrain} once every window completed at or before a time stamp is
 * in the buffer: a model trained at t has seen nothing after t. Memory: two nets and the serving
 * model, plus the samples of one fit while it runs.
 */
public final class Retrainer {

    private final String name;
    private final OnlineRecipe recipe;
    private final InputRows rows;
    private final NetConfig netConfig;
    private ServingModel serving;
    /** The net of the last fit, published or not: the next fit starts from it if no net serves. */
    private RecurrentNet trained;
    private long nextRetrainMillis = Long.MIN_VALUE;
    private int fits;
    private long published;

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

    /** Whether a fit is due once every event at or before {@code epochMillis} is in. */
    public boolean due(long epochMillis) {
        return fits == 0 || epochMillis >= nextRetrainMillis;
    }

    /**
     * Fits if due at {@code epochMillis} on {@code windows} (training order; every window completed
     * at or before it, none after). Returns what the fit did, or null if none was due or there are
     * fewer than {@code minSamples} windows of the recipe's shape yet.
     */
    public FitOutcome maybeRetrain(long epochMillis, List<TrainingWindow> windows) {
        if (!due(epochMillis)) { // a cold fit that was not published waits too
            return null;
        }
        float[] weights = new float[BlendedBaseline.size(recipe.horizon())];
        float[][] residualQuantiles = new float[1][];
        WindowedSamples samples = samples(windows, weights, residualQuantiles);
        if (samples == null) {
            return null;
        }
        RecurrentNet servingNet = ofThisRecipe(serving != null ? serving.net() : null);
        RecurrentNet start = servingNet != null ? servingNet : ofThisRecipe(trained);
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
            ServingModel m = publish(candidate, weights, widening,
                    new ServingModel.Info(epochMillis, samples.count(), netLoss, baselineLoss, millis));
            return new FitOutcome(report, m, "published v" + m.version() + " (net); " + losses);
        }
        if (baselineLoss < servingLoss) {
            float[] quantiles = recipe.quantiles() ? residualQuantiles[0] : new float[0];
            ServingModel m = publish(null, weights, quantiles,
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

    /**
     * {@code net} if it is the recipe's net (cell, sizes); null if not: nets restored under a recipe
     * that changed since are neither started from (the fit is a cold one) nor judged against.
     */
    private RecurrentNet ofThisRecipe(RecurrentNet net) {
        return net != null && net.config().equals(netConfig) ? net : null;
    }

    private ServingModel publish(RecurrentNet net, float[] baseline, float[] residualQuantiles, ServingModel.Info info) {
        published++;
        serving = new ServingModel(name, published, ServingModel.Shape.of(recipe), net == null ? null : net.copy(),
                baseline, residualQuantiles, info);
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
     * The windows of the recipe's shape as samples (in the order given, so the validation part is
     * the newest); null while fewer than {@code minSamples}. Residual recipes fit the baseline and
     * train on what it misses.
     */
    private WindowedSamples samples(List<TrainingWindow> windows, float[] weights, float[][] quantilesOut) {
        int h = recipe.horizon();
        int window = recipe.window();
        int in = rows.size();
        List<TrainingWindow> usable = new ArrayList<>(windows.size());
        for (TrainingWindow w : windows) {
            if (fits(w)) {
                usable.add(w);
            }
        }
        if (usable.size() < recipe.minSamples()) {
            return null;
        }
        int n = usable.size();
        float[] inputs = new float[n * window * in];
        float[] targets = new float[n * h];
        int per = BaselineFeatures.COUNT;
        float[] baselines = recipe.residual() ? new float[n * h * per] : null; // BaselineFeatures per target
        for (int s = 0; s < n; s++) {
            TrainingWindow w = usable.get(s);
            System.arraycopy(w.inputs(), 0, inputs, s * window * in, window * in);
            System.arraycopy(w.targets(), 0, targets, s * h, h);
            if (baselines != null) {
                System.arraycopy(w.baselines(), 0, baselines, s * h * per, h * per);
            }
        }
        if (baselines != null) {
            // Fitted on the windows the net trains on, not the newest ones it is validated on: a dozen
            // coefficients per horizon fitted on the validation windows too would make the baseline
            // look better there than it is (the publish rule and the conformal band judge on them).
            int validation = recipe.training().validationFraction() == 0 ? 0
                    : Math.max(1, (int) Math.round(n * recipe.training().validationFraction()));
            BlendedBaseline.fitAndSubtract(h, targets, baselines, weights, Math.max(1, n - validation));
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

    /**
     * Whether a window has this recipe's shape (a buffer may still hold windows cut under another,
     * or by a release whose baseline had fewer inputs: those are left out until they age out).
     */
    public boolean fits(TrainingWindow w) {
        return w.inputs().length == recipe.window() * rows.size() && w.targets().length == recipe.horizon()
                && w.baselines().length == (recipe.residual() ? BaselineFeatures.COUNT * recipe.horizon() : 0);
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

    /**
     * Everything this retrainer knows, for a checkpoint: the schedule, the serving model and the last
     * trained net. The recipe is configuration, not state: {@link #readFrom} takes it.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeLong(nextRetrainMillis);
        out.writeInt(fits);
        out.writeLong(published);
        writeBytes(out, serving == null ? null : ServingModelFormat.toBytes(serving));
        writeBytes(out, trained == null ? null : WeightFormat.toBytes(new SavedModel(trained)));
    }

    /** Restores what {@link #writeTo} wrote. */
    public static Retrainer readFrom(DataInput in, String name, OnlineRecipe recipe) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("retrainer state version " + version + "; this build reads " + STATE_VERSION);
        }
        Retrainer r = new Retrainer(name, recipe);
        r.nextRetrainMillis = in.readLong();
        r.fits = in.readInt();
        r.published = in.readLong();
        byte[] serving = readBytes(in);
        r.serving = serving == null ? null : ServingModelFormat.fromBytes(serving);
        byte[] trained = readBytes(in);
        r.trained = trained == null ? null : WeightFormat.fromBytes(trained).net();
        return r;
    }

    /** 2: no per-series histories (they moved to the series' keyed state). */
    private static final int STATE_VERSION = 2;

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

}
