package io.flowcast.jobs.forecast;

import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ServingModel;

/**
 * Whether a model that decodes can serve in this forecaster: it must fit what the forecaster feeds and
 * emits, or it would fail at its first forecast (and, held in broadcast state, again after every
 * restart), or make every series allocate or replay without bound. Checked before a model is held,
 * whether it came on the model stream, was preloaded or was restored.
 *
 * <ul>
 *   <li><b>Name</b>: one the job's {@link io.flowcast.jobs.models.ModelNames} gives some series.
 *   <li><b>Horizon</b>: exactly the job's {@link ForecastSettings#horizons()}: a forecast carries that
 *       many values, and the ensemble decodes the version before the serving one at the serving one's
 *       horizons.
 *   <li><b>Net</b>: reads the rows the forecaster writes for the shape
 *       ({@link ServingModel#servingProblem()}); its outputs already match the horizon (the format
 *       refuses others).
 *   <li><b>Window</b> (steps replayed to re-warm a series under a new version): at most
 *       {@value #MAX_WINDOW_STEPS}.
 *   <li><b>Seasons</b> in the seasonal reference: at most {@value #MAX_SEASONS}.
 *   <li><b>History</b> every series then keeps ({@code window + season * seasons} steps, 16 bytes each):
 *       at most {@value #MAX_HISTORY_STEPS} steps.
 * </ul>
 */
final class ModelServingFit {

    /** Longest re-warm window, in steps: the one a recipe allows ({@link OnlineRecipe#MAX_SERVED_WINDOW}). */
    static final int MAX_WINDOW_STEPS = OnlineRecipe.MAX_SERVED_WINDOW;
    /** Most past seasons in the seasonal reference: the most a recipe allows. */
    static final int MAX_SEASONS = OnlineRecipe.MAX_SERVED_SEASONS;
    /**
     * Longest history a series keeps, in steps (2^21; 32 MiB a series): the default recipe for one-second
     * data (a week's season, 3 seasons, a 96-step window) needs 1,814,496. Below what a series' stored
     * history may hold at all (its serializer refuses a history above 2^24 steps on restore).
     */
    static final int MAX_HISTORY_STEPS = 1 << 21;

    private final ForecastSettings settings;

    ModelServingFit(ForecastSettings settings) {
        this.settings = settings;
    }

    /** Why {@code m} cannot serve in this forecaster; null if it can. */
    String problem(ServingModel m) {
        if (!settings.modelNames().serves(m.name())) {
            return "model name '" + BadModelDeadLetter.shortName(m.name()) + "' serves no series of this job (" + settings.modelNames() + ")";
        }
        ServingModel.Shape s = m.shape();
        if (s.horizon() != settings.horizons()) {
            return "horizon " + s.horizon() + ", the job forecasts " + settings.horizons();
        }
        String net = m.servingProblem();
        if (net != null) {
            return net;
        }
        if (s.window() > MAX_WINDOW_STEPS) {
            return "re-warm window of " + s.window() + " steps, at most " + MAX_WINDOW_STEPS;
        }
        if (s.seasons() > MAX_SEASONS) {
            return s.seasons() + " seasons, at most " + MAX_SEASONS;
        }
        long history = s.window() + (long) s.season() * s.seasons();
        if (history > MAX_HISTORY_STEPS) {
            return "a history of " + history + " steps per series (window " + s.window() + " + season " + s.season()
                    + " x " + s.seasons() + "), at most " + MAX_HISTORY_STEPS;
        }
        return null;
    }
}
