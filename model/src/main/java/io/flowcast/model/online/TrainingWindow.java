package io.flowcast.model.online;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training sample of one series, cut where the series lives (its keyed state) and sent to the
 * trainer of its model: the network inputs of {@code window} steps, the {@code horizon} targets
 * that followed them and, for residual recipes, the baseline's inputs per target. Everything is in
 * z units of the series' own running scaler at the time the window was cut, so the trainer needs
 * nothing per series: a published model serves every series with that series' running scaler.
 *
 * <p>{@link #time} is the time of the event that completed the window (its last target): the
 * window is known from then on, so a fit at t only ever sees windows with {@code time <= t}.
 *
 * @param key       the series key
 * @param time      event time (epoch ms) of the window's last target
 * @param inputs    {@code window x inputSize} network inputs, step-major
 * @param targets   {@code horizon} targets, z units; NaN: missing
 * @param baselines {@code horizon x F}: the {@link BlendedBaseline}'s inputs per target in z units
 *                  ({@link BaselineFeatures}; F = 2, last value and weekly reference, from the first
 *                  release); empty for a recipe without residuals
 */
public record TrainingWindow(String key, long time, float[] inputs, float[] targets, float[] baselines) {

    public TrainingWindow {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(baselines, "baselines");
    }

    /** The deterministic sampling priority of this window, in [0, 1): see {@link WindowSampler#priority}. */
    public double priority() {
        return WindowSampler.priority(key, time);
    }

    /** Training order: time, then key. */
    public static int compare(TrainingWindow a, TrainingWindow b) {
        int c = Long.compare(a.time, b.time);
        return c != 0 ? c : a.key.compareTo(b.key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingWindow w && time == w.time && key.equals(w.key) && Arrays.equals(inputs, w.inputs)
                && Arrays.equals(targets, w.targets) && Arrays.equals(baselines, w.baselines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, time);
    }

    @Override
    public String toString() {
        return "TrainingWindow{" + key + " @" + time + ", " + inputs.length + " inputs, " + targets.length + " targets}";
    }
}
