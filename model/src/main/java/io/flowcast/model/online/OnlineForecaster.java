package io.flowcast.model.online;

import io.flowcast.model.NetConfig;
import io.flowcast.model.train.TrainingReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Online forecasting of many keyed series with one shared model, retrained periodically, in one
 * thread: the Flink job's two halves ({@link Retrainer} for training, {@link ResidualForecaster}
 * for serving) wired directly, so accuracy can be measured without Flink. The Flink job runs the
 * same two classes, with the {@code models} topic between them.
 *
 * <p>{@link #observe} takes one event of one key and returns the forecast for {@code horizon}
 * steps later; {@link #maybeRetrain} is called once the events of a time stamp are in.
 */
public final class OnlineForecaster {

    private final OnlineRecipe recipe;
    private final Retrainer retrainer;
    private final ResidualForecaster forecaster;
    private final Map<String, ServingState> keys = new HashMap<>();
    private final float[] point;
    /** The serving model and the one before it; null until published. */
    private ServingModel current;
    private ServingModel previous;
    private int publishedBaselines;
    private final List<TrainingReport> reports = new ArrayList<>();

    public OnlineForecaster(OnlineRecipe recipe) {
        this.recipe = recipe;
        this.retrainer = new Retrainer("online", recipe);
        this.forecaster = new ResidualForecaster(recipe.ensemble(), recipe.season(), recipe.seasons());
        this.point = new float[recipe.horizon()];
    }

    public OnlineRecipe recipe() {
        return recipe;
    }

    /**
     * Appends one event and returns the forecast of the value {@code horizon} steps later, in the
     * value's units; NaN only if the key has never had a finite value.
     */
    public float observe(String key, long epochMillis, float value) {
        retrainer.observe(key, epochMillis, value);
        ServingState s = keys.computeIfAbsent(key, k -> new ServingState(recipe.liveRingLength()));
        forecaster.append(s, epochMillis, value);
        forecaster.forecast(s, key, current, previous, point, null, null);
        return point[recipe.horizon() - 1];
    }

    /**
     * Retrains if due at {@code epochMillis} (the time stamp whose events were all observed).
     * Returns the fit's report, or null if no fit was due or possible.
     */
    public TrainingReport maybeRetrain(long epochMillis) {
        Retrainer.FitOutcome outcome = retrainer.maybeRetrain(epochMillis);
        if (outcome == null) {
            return null;
        }
        reports.add(outcome.report());
        if (outcome.published() != null) {
            previous = current;
            current = outcome.published();
            publishedBaselines += current.net() == null ? 1 : 0;
        }
        return outcome.report();
    }

    /** Fits run so far (published or not). */
    public int fits() {
        return retrainer.fits();
    }

    /** Of {@link #published()}, how many were the fitted baseline alone (no net beat it). */
    public int publishedBaselines() {
        return publishedBaselines;
    }

    /** The serving model's baseline coefficients {@code [a_0, c_0, a_1, c_1, ...]}; null before one. */
    public float[] baselineCoefficients() {
        return current == null ? null : current.baseline().clone();
    }

    /** Models published so far. */
    public int published() {
        return (int) retrainer.published();
    }

    public List<TrainingReport> reports() {
        return reports;
    }

    public NetConfig netConfig() {
        return retrainer.netConfig();
    }
}
