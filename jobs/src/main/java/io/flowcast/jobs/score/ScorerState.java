package io.flowcast.jobs.score;

import java.util.Arrays;

/**
 * A series' scoring state, bounded by the settings: the last {@code horizons} forecasts in a ring
 * (the one made {@code h} steps ago sits at {@code (steps - h) mod horizons}), the last finite value
 * (the persistence forecast of the next origin) and one {@link ErrorWindow} per horizon.
 * Written by {@link ScorerStateSerializer}.
 */
final class ScorerState {

    long lastEventTime = Long.MIN_VALUE;
    /** The series' expiry timer, Long.MIN_VALUE when none is set. */
    long expiryTimer = Long.MIN_VALUE;
    /** Events (steps) scored since the series (re)started. */
    long steps;
    float lastFinite = Float.NaN;
    final HeldForecast[] ring;
    /** windows[h - 1]: horizon h. */
    final ErrorWindow[] windows;

    ScorerState(HeldForecast[] ring, ErrorWindow[] windows) {
        this.ring = ring;
        this.windows = windows;
    }

    static ScorerState create(ScoringSettings settings) {
        ErrorWindow[] windows = new ErrorWindow[settings.horizons()];
        for (int h = 0; h < windows.length; h++) {
            windows[h] = new ErrorWindow(settings.window());
        }
        return new ScorerState(new HeldForecast[settings.horizons()], windows);
    }

    /** The forecast made {@code h} steps before the current one, or null if the series is younger. */
    HeldForecast madeStepsAgo(int h) {
        return h > steps || h > ring.length ? null : ring[(int) ((steps - h) % ring.length)];
    }

    /** Holds the forecast of the current step and counts the step. */
    void hold(HeldForecast f) {
        ring[(int) (steps % ring.length)] = f;
        steps++;
    }

    ScorerState copy() {
        ErrorWindow[] w = new ErrorWindow[windows.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = windows[i].copy();
        }
        // Held forecasts are never changed once held, so the ring's entries are shared.
        ScorerState c = new ScorerState(Arrays.copyOf(ring, ring.length), w);
        c.lastEventTime = lastEventTime;
        c.expiryTimer = expiryTimer;
        c.steps = steps;
        c.lastFinite = lastFinite;
        return c;
    }
}
