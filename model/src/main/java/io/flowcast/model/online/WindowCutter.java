package io.flowcast.model.online;

import io.flowcast.model.features.StreamingScaler;

/**
 * Cuts a series' training windows from its own history ({@link ServingState}), so the history is
 * kept once, where the series is forecast. After an event is appended at index {@code n}, the
 * window ending at {@code e = n - horizon} has all its targets: its {@code window} input rows
 * ({@link InputRows}), targets {@code x[e+1..e+H]} and baseline inputs ({@link BaselineFeatures} at e), all scaled by the series'
 * running scaler as it is now. A window is cut only where its first input has a value and a day of
 * look-back is held ({@link #lookBack}).
 *
 * <p>The history must hold {@link #historyLength()} steps for a window's rows to see every season
 * the recipe looks back over.
 */
public final class WindowCutter {

    private final OnlineRecipe recipe;
    private final InputRows rows;
    private final BaselineFeatures features;

    public WindowCutter(OnlineRecipe recipe) {
        this.recipe = recipe;
        this.rows = new InputRows(recipe.horizon(), recipe.season(), recipe.seasons());
        this.features = new BaselineFeatures(recipe.horizon(), recipe.window(), recipe.season(), recipe.seasons());
    }

    public OnlineRecipe recipe() {
        return recipe;
    }

    /** Steps of history a series must hold for its windows: look-back, window and targets. */
    public int historyLength() {
        return recipe.historyLength();
    }

    /** Whether the newest event of {@code s} completes a window that can be cut. */
    public boolean ready(ServingState s) {
        SeriesBuffer b = s.buffer;
        long e = b.last() - recipe.horizon();
        long firstInput = e - recipe.window() + 1;
        return firstInput - lookBack() >= b.first() && !Float.isNaN(b.filled(firstInput));
    }

    /**
     * Steps of history a window's first row must have behind it: a day (the weekly season over 7),
     * so its daily references are there. Until the first release of issue 13 it was a week: on
     * 5-minute data that kept the first model back to event 3,100 or so, and short files got one
     * model late or none at all. Weekly references not yet held read as 0 (the mean) and are fitted
     * as such; the fit that counts them comes a week later.
     */
    int lookBack() {
        int season = recipe.season();
        return season % 7 == 0 ? season / 7 : season;
    }

    /** The window completed by the newest event of {@code s}; call only when {@link #ready}. */
    public TrainingWindow cut(ServingState s, String key) {
        SeriesBuffer b = s.buffer;
        StreamingScaler scaler = s.live;
        int h = recipe.horizon();
        int window = recipe.window();
        long e = b.last() - h;
        int in = rows.size();
        float[] inputs = new float[window * in];
        for (int t = 0; t < window; t++) {
            rows.write(b, e - window + 1 + t, scaler, inputs, t * in);
        }
        float[] targets = new float[h];
        int per = BaselineFeatures.COUNT;
        float[] baselines = new float[recipe.residual() ? per * h : 0];
        for (int k = 1; k <= h; k++) {
            float y = b.observed(e + k);
            targets[k - 1] = Float.isNaN(y) ? Float.NaN : scaler.transform(0, y);
            if (baselines.length > 0) { // read only up to e, though the history holds e+1..e+H
                features.write(b, e, k, scaler, baselines, per * (k - 1));
            }
        }
        return new TrainingWindow(key, b.timestamp(b.last()), inputs, targets, baselines);
    }
}
