package io.flowcast.jobs.forecast;

import io.flowcast.jobs.train.StepDetection;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.SeriesBuffer;
import io.flowcast.model.online.TrainingWindow;
import io.flowcast.model.online.WindowCutter;
import io.flowcast.model.online.WindowSampler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training side of the keyed forecaster: for a series whose newest event was just appended,
 * detects its step (from the settings, or from its first {@link StepDetection#EVENTS} events), makes
 * its history long enough for its windows, and cuts the window that event completed if the
 * subtask's sampling rate takes it ({@link WindowSampler#localRate}). One per forecaster instance;
 * nothing here is state (a series' step is kept in its {@link SeriesState}).
 */
final class SeriesWindows {

    private static final Logger LOG = LoggerFactory.getLogger(SeriesWindows.class);

    private final TrainingSettings training;
    /** Cutters by step; null for a step the recipe refuses (no windows for such series). */
    private final Map<Long, WindowCutter> cutters = new HashMap<>();
    private final long[] detection = new long[StepDetection.EVENTS];
    /** The cutter of the last step asked for: series of one job nearly always share it (no lookup per event). */
    private long lastStep;
    private WindowCutter lastCutter;
    private WindowSampler sampler;

    SeriesWindows(TrainingSettings training) {
        this.training = training;
    }

    /**
     * The window the newest event of {@code s} completed, if it is to be sent; null otherwise.
     *
     * @param localSeries the series of the same model this subtask holds
     */
    TrainingWindow next(SeriesState s, String key, long localSeries) {
        if (s.stepMillis == 0 && s.serving.buffer().capacity() < StepDetection.EVENTS) {
            s.serving.ensureHistory(StepDetection.EVENTS); // a series restored from a job that did not train
        }
        if (s.stepMillis == 0 && !detectStep(s)) {
            return null;
        }
        WindowCutter cutter = cutter(s.stepMillis);
        if (cutter == null) {
            return null;
        }
        if (s.serving.buffer().capacity() < cutter.historyLength()) {
            s.serving.ensureHistory(cutter.historyLength());
        }
        if (WindowSampler.priority(key, s.lastEventTime) >= sampler.localRate(localSeries) || !cutter.ready(s.serving)) {
            return null;
        }
        return cutter.cut(s.serving, key);
    }

    /** The step from the settings, or from the series' first {@link StepDetection#EVENTS} events once it has them. */
    private boolean detectStep(SeriesState s) {
        if (training.step() != null) {
            s.stepMillis = training.step().toMillis();
            return true;
        }
        SeriesBuffer b = s.serving.buffer();
        int n = Math.min(StepDetection.EVENTS, b.held());
        if (n < StepDetection.EVENTS) {
            return false;
        }
        long from = b.last() - n + 1;
        for (int i = 0; i < n; i++) {
            detection[i] = b.timestamp(from + i);
        }
        s.stepMillis = StepDetection.medianInterval(detection, n).toMillis();
        return true;
    }

    private WindowCutter cutter(long stepMillis) {
        if (stepMillis == lastStep) {
            return lastCutter;
        }
        WindowCutter cutter;
        if (cutters.containsKey(stepMillis)) {
            cutter = cutters.get(stepMillis);
        } else {
            cutter = null;
            try {
                cutter = new WindowCutter(training.recipe(Duration.ofMillis(stepMillis)));
                if (sampler == null) {
                    sampler = WindowSampler.of(cutter.recipe());
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("series that step every {}: no training windows ({})", Duration.ofMillis(stepMillis),
                        e.getMessage());
            }
            cutters.put(stepMillis, cutter);
        }
        lastStep = stepMillis;
        lastCutter = cutter;
        return cutter;
    }
}
