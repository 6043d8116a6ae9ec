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
 * {@link #maybeRetrain} once a time stamp is complete. The windows live in a {@link ReplayBuffer.Store}
 * the caller provides (a map here, Flink state in the job); {@link #writeTo} writes the rest.
 */
public final class ModelTrainer {

    private final Retrainer retrainer;
    private final WindowSampler sampler;
    private final ReplayBuffer buffer;
    private long series;
    private long offered;
    private long accepted;

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
    }

    /** Counts {@code n} series that started (before this trainer existed). */
    public void seriesStarted(long n) {
        series += n;
    }

    /** Offers a window: kept if the sampling rule accepts it and the buffer has room for it. */
    public boolean offer(TrainingWindow w, ReplayBuffer.Store store) throws Exception {
        offered++;
        if (w.priority() >= sampler.rate(series) || !retrainer.fits(w)) {
            return false;
        }
        accepted++;
        return buffer.offer(w, store);
    }

    /** Fits if one is due at {@code epochMillis} and the buffer holds enough windows; see {@link Retrainer#maybeRetrain}. */
    public Retrainer.FitOutcome maybeRetrain(long epochMillis, ReplayBuffer.Store store) throws Exception {
        if (!retrainer.due(epochMillis) || buffer.size() < retrainer.recipe().minSamples()) {
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
