package io.flowcast.jobs.train;

import io.flowcast.model.online.TrainingWindow;
import java.util.Objects;

/**
 * What the keyed forecaster sends the trainer of a series' model: either a training window the
 * series completed (sampled: see {@code WindowSampler}), or, with no window, the news that the series
 * started (its first event, counted in the model's census). Written by {@link TrainerInputSerializer}.
 *
 * @param model      the model's name: the trainer's key
 * @param series     the series key
 * @param time       event time (epoch ms): of the window's last target, or of the series' first event
 * @param stepMillis the series' grid step, as the forecaster detected it (0 for a census record)
 * @param window     the window; null for a census record
 */
public record TrainerInput(String model, String series, long time, long stepMillis, TrainingWindow window) {

    public TrainerInput {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(series, "series");
    }

    public static TrainerInput started(String model, String series, long time) {
        return new TrainerInput(model, series, time, 0, null);
    }

    public static TrainerInput window(String model, long stepMillis, TrainingWindow w) {
        return new TrainerInput(model, w.key(), w.time(), stepMillis, w);
    }

    public boolean isCensus() {
        return window == null;
    }

    /** The order a model's trainer takes one time stamp's inputs in: series starts, then windows, by series. */
    static int compare(TrainerInput a, TrainerInput b) {
        int c = Long.compare(a.time, b.time);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(!a.isCensus(), !b.isCensus());
        return c != 0 ? c : a.series.compareTo(b.series);
    }
}
