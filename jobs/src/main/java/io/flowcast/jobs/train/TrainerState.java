package io.flowcast.jobs.train;

import io.flowcast.model.online.Retrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the trainer keeps for one model (one key of {@link TrainerFunction}), apart from the
 * points still waiting for the watermark: the model's {@link Retrainer} (its replay history,
 * scalers, serving model and schedule), its grid step, the newest time stamp handed to training,
 * and, until the step is detected, the points seen so far.
 *
 * <p>The recipe is configuration, not state: a restored state holds the retrainer as bytes and
 * builds it with the recipe of the settings it is restored under ({@link #retrainer}).
 * Written by {@link TrainerStateSerializer}.
 */
public final class TrainerState {

    /** The grid step in ms; 0 until known (from the settings or detected). */
    long stepMillis;
    /** The newest time stamp handed to training: a fit happens only at a newer one. */
    long fedUpTo = Long.MIN_VALUE;
    /** Before the step is known: every point so far, in training order. */
    final List<TrainingPoint> waiting = new ArrayList<>();
    private Retrainer retrainer;
    /** A restored retrainer, until it is built with the current recipe. */
    private byte[] retrainerBytes;

    /** What the trainer does with a fit. */
    interface Fits {
        void fitted(Retrainer.FitOutcome outcome, Retrainer retrainer, long at);

        /** A point older than the newest time stamp already trained on: fed, but triggers no fit. */
        void late(TrainingPoint p);

        /** A point the retrainer refused (not after its series' last one). */
        void refused(TrainingPoint p, IllegalArgumentException why);

        /** A fit that threw (e.g. every validation target missing): the model stays, the error is logged. */
        void failed(long at, IllegalArgumentException why);
    }

    /** The step, if known. */
    public Duration step() {
        return stepMillis == 0 ? null : Duration.ofMillis(stepMillis);
    }

    /** The model's retrainer, built or restored with the recipe of {@code settings}; null until the step is known. */
    public Retrainer retrainer(String name, TrainingSettings settings) {
        if (retrainer == null && retrainerBytes != null) {
            try {
                retrainer = Retrainer.readFrom(new DataInputStream(new ByteArrayInputStream(retrainerBytes)), name,
                        settings.recipe(step()));
            } catch (IOException e) {
                throw new UncheckedIOException("trainer state of model " + name, e);
            }
            retrainerBytes = null;
        }
        if (retrainer == null && stepMillis == 0 && settings.step() != null) {
            stepMillis = settings.step().toMillis();
        }
        if (retrainer == null && stepMillis != 0) {
            retrainer = new Retrainer(name, settings.recipe(step()));
        }
        return retrainer;
    }

    /**
     * Feeds {@code ready} (in training order: time, then series; every earlier point already fed) to
     * the retrainer, calling {@link Retrainer#maybeRetrain} after each new time stamp. Before the step
     * is known the points wait; once the model's first series has {@link StepDetection#EVENTS} events
     * (or, at the end of the input, at least two), the step is detected and the waiting points are
     * fed exactly as they would have been.
     */
    void feed(List<TrainingPoint> ready, boolean endOfInput, String name, TrainingSettings settings, Fits fits) {
        Retrainer r = retrainer(name, settings);
        if (r == null) {
            waiting.addAll(ready);
            Duration step = detect(endOfInput);
            if (step == null) {
                return;
            }
            stepMillis = step.toMillis();
            r = retrainer(name, settings);
            ready = new ArrayList<>(waiting);
            waiting.clear();
        }
        int n = ready.size();
        for (int i = 0; i < n; ) {
            long t = ready.get(i).time;
            int j = i;
            for (; j < n && ready.get(j).time == t; j++) {
                TrainingPoint p = ready.get(j);
                try {
                    r.observe(p.series, p.time, p.value);
                } catch (IllegalArgumentException e) {
                    fits.refused(p, e);
                    continue;
                }
                if (t <= fedUpTo) {
                    fits.late(p);
                }
            }
            if (t > fedUpTo) {
                fedUpTo = t;
                try {
                    Retrainer.FitOutcome outcome = r.maybeRetrain(t);
                    if (outcome != null) {
                        fits.fitted(outcome, r, t);
                    }
                } catch (IllegalArgumentException e) {
                    fits.failed(t, e);
                }
            }
            i = j;
        }
    }

    /** The step from the waiting points' first series, or null if it cannot be told yet. */
    private Duration detect(boolean endOfInput) {
        if (waiting.isEmpty()) {
            return null;
        }
        String first = waiting.get(0).series;
        long[] times = new long[StepDetection.EVENTS];
        int count = 0;
        for (int i = 0; i < waiting.size() && count < times.length; i++) {
            TrainingPoint p = waiting.get(i);
            if (p.series.equals(first) && (count == 0 || p.time > times[count - 1])) {
                times[count++] = p.time;
            }
        }
        return count == times.length || endOfInput ? StepDetection.medianInterval(times, count) : null;
    }

    /** Series keys in the replay history (0 before the retrainer exists or while restored but unbuilt). */
    int replayKeys() {
        return retrainer == null ? 0 : retrainer.keyCount();
    }

    /** The retrainer's bytes ({@link Retrainer#writeTo}), or null if there is none yet. */
    byte[] retrainerBytes() {
        if (retrainer == null) {
            return retrainerBytes;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            retrainer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A state restored from its parts; the retrainer is built on first use. */
    static TrainerState restore(long stepMillis, long fedUpTo, List<TrainingPoint> waiting, byte[] retrainerBytes) {
        TrainerState s = new TrainerState();
        s.stepMillis = stepMillis;
        s.fedUpTo = fedUpTo;
        s.waiting.addAll(waiting);
        s.retrainerBytes = retrainerBytes;
        return s;
    }

    @Override
    public String toString() {
        return "TrainerState{step=" + step() + ", fedUpTo=" + fedUpTo + ", waiting=" + waiting.size()
                + ", retrainer=" + (retrainer != null ? retrainer.fits() + " fits, " + retrainer.published()
                + " published" : retrainerBytes != null ? "restored" : "none") + "}";
    }
}
