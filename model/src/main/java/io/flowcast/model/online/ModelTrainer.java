package io.flowcast.model.online;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Everything that trains one model, none of it per series: the model's census (how many series have
 * started), the {@link WindowSampler} rule that census sets, the {@link ReplayBuffer} of sampled
 * windows and the {@link Retrainer}. What it holds is bounded by the recipe
 * ({@code replaySamples} windows), whatever the number of series.
 *
 * <p>Callers hand it, in event-time order (a time stamp's series starts before its windows, windows
 * of one time stamp in key order), {@link #seriesStarted} and {@link #offer}, and call
 * {@link #maybeRetrain} once a time stamp is complete. Only what the rule takes (series starts,
 * accepted windows) makes a time stamp one a fit may happen at: how many other windows a caller
 * offers (a Flink job cuts more or fewer depending on its parallelism) never moves a fit. The windows live in a {@link ReplayBuffer.Store}
 * the caller provides (a map here, Flink state in the job); {@link #writeTo} writes the rest.
 */
public final class ModelTrainer {

    private final Retrainer retrainer;
    private final WindowSampler sampler;
    private final ReplayBuffer buffer;
    private long series;
    private long offered;
    private long accepted;
    /** Whether a series start or an accepted window came since the last {@link #maybeRetrain}. */
    private boolean fresh;

    /** A new model's trainer for series stepping every {@code stepMillis}. */
    public ModelTrainer(String name, OnlineRecipe recipe, long stepMillis) {
        this(new Retrainer(name, recipe), new ReplayBuffer(recipe.replaySamples(), spanMillis(recipe, stepMillis)), 0);
    }

    private ModelTrainer(Retrainer retrainer, ReplayBuffer buffer, long series) {
        this.retrainer = retrainer;
        this.sampler = WindowSampler.of(retrainer.recipe());
        this.buffer = buffer;
        this.series = series;
    }

    /** The replay span: {@code replaySamples} steps of the grid. */
    private static long spanMillis(OnlineRecipe recipe, long stepMillis) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis);
        }
        return Math.multiplyHigh(recipe.replaySamples(), stepMillis) != 0 ? Long.MAX_VALUE
                : Math.max(1, recipe.replaySamples() * stepMillis);
    }

    /** Counts a series that started (its first event, or its first after its state expired). */
    public void seriesStarted() {
        series++;
        fresh = true;
    }

    /** Counts {@code n} series that started (at one time stamp, or before this trainer existed). */
    public void seriesStarted(long n) {
        series += n;
        fresh |= n > 0;
    }

    /** Whether the sampling rule, at the census so far, accepts a window (and it has the recipe's shape). */
    public boolean accepts(TrainingWindow w) {
        return w.priority() < sampler.rate(series) && retrainer.fits(w);
    }

    /** What became of an offered window. */
    public enum Offer {
        /** The sampling rule did not take it (or it has another shape). */
        REFUSED,
        /** The rule took it, but the buffer holds windows of lower priority. */
        ACCEPTED,
        /** The rule took it and the buffer holds it. */
        KEPT;

        public boolean accepted() {
            return this != REFUSED;
        }
    }

    /** Offers a window: kept if the sampling rule accepts it ({@link #accepts}) and the buffer has room for it. */
    public Offer offer(TrainingWindow w, ReplayBuffer.Store store) throws Exception {
        offered++;
        if (!accepts(w)) {
            return Offer.REFUSED;
        }
        accepted++;
        fresh = true;
        return buffer.offer(w, store) ? Offer.KEPT : Offer.ACCEPTED;
    }

    /**
     * Fits if one is due at {@code epochMillis}, the rule took something at that time stamp, and the
     * buffer holds enough windows; see {@link Retrainer#maybeRetrain}.
     */
    public Retrainer.FitOutcome maybeRetrain(long epochMillis, ReplayBuffer.Store store) throws Exception {
        boolean took = fresh;
        fresh = false;
        if (!took || !retrainer.due(epochMillis) || buffer.size() < retrainer.recipe().minSamples()) {
            return null;
        }
        return retrainer.maybeRetrain(epochMillis, buffer.windows(store));
    }

    public Retrainer retrainer() {
        return retrainer;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    public WindowSampler sampler() {
        return sampler;
    }

    /** Series counted so far. */
    public long series() {
        return series;
    }

    /** Windows offered since this instance was made or restored (not checkpointed: a metric). */
    public long offered() {
        return offered;
    }

    /** Of those, the ones the sampling rule accepted. */
    public long accepted() {
        return accepted;
    }

    /** The census, the buffer's index and the retrainer (the windows are in the store). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeLong(series);
        buffer.writeTo(out);
        retrainer.writeTo(out);
    }

    /** What {@link #writeTo} wrote, with the recipe of the settings it is restored under. */
    public static ModelTrainer readFrom(DataInput in, String name, OnlineRecipe recipe) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("model trainer state version " + version + "; this build reads " + STATE_VERSION);
        }
        long series = in.readLong();
        ReplayBuffer buffer = ReplayBuffer.readFrom(in);
        return new ModelTrainer(Retrainer.readFrom(in, name, recipe), buffer, series);
    }

    private static final int STATE_VERSION = 1;

    @Override
    public String toString() {
        return "ModelTrainer{" + retrainer.name() + ", " + series + " series, " + buffer + ", " + retrainer.fits()
                + " fits, " + retrainer.published() + " published}";
    }
}
