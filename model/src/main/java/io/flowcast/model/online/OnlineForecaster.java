package io.flowcast.model.online;

import io.flowcast.model.NetConfig;
import io.flowcast.model.train.TrainingReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;

/**
 * Online forecasting of many keyed series with one shared model, retrained periodically, in one
 * thread: the Flink job's parts wired directly, so accuracy can be measured without Flink. Per key a
 * {@link ServingState} (its history and running scaler) is forecast from by {@link ResidualForecaster}
 * and cut into training windows by {@link WindowCutter}; one {@link ModelTrainer} samples them into
 * its replay buffer and fits. The Flink job runs the same classes, keyed, with the {@code models}
 * topic between trainer and forecaster.
 *
 * <p>{@link #observe} takes one event of one key and returns the forecast for {@code horizon}
 * steps later; {@link #maybeRetrain} is called once the events of a time stamp are in. The windows
 * of a time stamp are offered to the trainer then, in key order, after the keys that started at it
 * are counted: the order the Flink trainer uses.
 */
public final class OnlineForecaster {

    private final OnlineRecipe recipe;
    private final ModelTrainer trainer;
    private final ReplayBuffer.Store windows = ReplayBuffer.inMemory();
    private final WindowCutter cutter;
    private final ResidualForecaster forecaster;
    private final Map<String, ServingState> keys = new HashMap<>();
    private final List<TrainingWindow> completed = new ArrayList<>();
    private final float[] point;
    /** The serving model and the one before it; null until published. */
    private ServingModel current;
    private ServingModel previous;
    private int publishedBaselines;
    private final List<Retrainer.FitOutcome> outcomes = new ArrayList<>();

    /** @param step the series' grid step (the replay span is {@code replaySamples} of them) */
    public OnlineForecaster(OnlineRecipe recipe, Duration step) {
        this.recipe = recipe;
        this.trainer = new ModelTrainer("online", recipe, step.toMillis());
        this.cutter = new WindowCutter(recipe);
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
        ServingState s = keys.get(key);
        if (s == null) {
            s = new ServingState(Math.max(recipe.liveRingLength(), cutter.historyLength()));
            keys.put(key, s);
            trainer.seriesStarted();
        }
        forecaster.append(s, epochMillis, value);
        if (WindowSampler.priority(key, epochMillis) < trainer.sampler().localRate(keys.size()) && cutter.ready(s)) {
            completed.add(cutter.cut(s, key));
        }
        forecaster.forecast(s, key, current, previous, point, null, null);
        return point[recipe.horizon() - 1];
    }

    /**
     * Offers the windows completed so far, then retrains if due at {@code epochMillis} (the time
     * stamp whose events were all observed). Returns the fit's report, or null if no fit was due or
     * possible.
     */
    public TrainingReport maybeRetrain(long epochMillis) {
        Retrainer.FitOutcome outcome = maybeRetrainOutcome(epochMillis);
        return outcome == null ? null : outcome.report();
    }

    /** As {@link #maybeRetrain}, with what the fit decided. */
    public Retrainer.FitOutcome maybeRetrainOutcome(long epochMillis) {
        Retrainer.FitOutcome outcome;
        try {
            completed.sort(TrainingWindow::compare);
            for (TrainingWindow w : completed) {
                trainer.offer(w, windows);
            }
            completed.clear();
            outcome = trainer.maybeRetrain(epochMillis, windows);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // the in-memory store does not throw
        }
        if (outcome == null) {
            return null;
        }
        outcomes.add(outcome);
        if (outcome.published() != null) {
            previous = current;
            current = outcome.published();
            publishedBaselines += current.net() == null ? 1 : 0;
        }
        return outcome;
    }

    /** Fits run so far (published or not). */
    public int fits() {
        return trainer.retrainer().fits();
    }

    /** Of {@link #published()}, how many were the fitted baseline alone (no net beat it). */
    public int publishedBaselines() {
        return publishedBaselines;
    }

    /** The serving model's baseline coefficients, {@link BaselineFeatures#COUNT} per horizon; null before one. */
    public float[] baselineCoefficients() {
        return current == null ? null : current.baseline().clone();
    }

    /** Models published so far. */
    public int published() {
        return (int) trainer.retrainer().published();
    }

    /** The serving model; null before the first. */
    public ServingModel serving() {
        return current;
    }

    public List<TrainingReport> reports() {
        return outcomes.stream().map(Retrainer.FitOutcome::report).toList();
    }

    public List<Retrainer.FitOutcome> outcomes() {
        return outcomes;
    }

    public ModelTrainer trainer() {
        return trainer;
    }

    public NetConfig netConfig() {
        return trainer.retrainer().netConfig();
    }
}
