package io.flowcast.jobs.forecast;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.features.CalendarFeatures;
import java.io.Serializable;

/**
 * Everything that shapes the keyed forecaster, in one place; {@link #toString()} prints all of it so a
 * run's log or output says exactly what ran.
 *
 * @param cell         recurrent cell type
 * @param hiddenSize   H, units per layer
 * @param layers       stacked recurrent layers
 * @param horizons     forecasts per event, for 1..horizons steps ahead
 * @param features     values per observation; the first is the one forecast
 * @param seed         seed of the untrained weights ({@link SeededWeights})
 * @param seasonLength steps per season for the seasonal-naive baseline; 0 = persistence
 * @param ringSize     recent inputs kept per key (to re-warm the state for new weights)
 * @param gapFactor    a gap longer than this many typical intervals counts as a gap
 * @param resetOnGap   whether such a gap zeroes the recurrent state
 */
public record ForecastSettings(CellType cell, int hiddenSize, int layers, int horizons, int features, long seed,
                               int seasonLength, int ringSize, double gapFactor, boolean resetOnGap)
        implements Serializable {

    public ForecastSettings {
        if (cell == null) {
            throw new IllegalArgumentException("cell type is required");
        }
        requireAtLeast("hiddenSize", hiddenSize, 1);
        requireAtLeast("layers", layers, 1);
        requireAtLeast("horizons", horizons, 1);
        requireAtLeast("features", features, 1);
        requireAtLeast("seasonLength", seasonLength, 0);
        requireAtLeast("ringSize", ringSize, 1);
        if (!(gapFactor > 1) || !Double.isFinite(gapFactor)) {
            throw new IllegalArgumentException("gapFactor must be a finite number above 1, got " + gapFactor);
        }
    }

    /** LSTM, H=32, one layer, 5 horizons, one value per event, persistence baseline, ring of 32, gaps at 12x. */
    public static ForecastSettings defaults() {
        return new ForecastSettings(CellType.LSTM, 32, 1, 5, 1, 42L, 0, 32, 12.0, false);
    }

    public ForecastSettings withCell(CellType value) {
        return new ForecastSettings(value, hiddenSize, layers, horizons, features, seed, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withHiddenSize(int value) {
        return new ForecastSettings(cell, value, layers, horizons, features, seed, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withLayers(int value) {
        return new ForecastSettings(cell, hiddenSize, value, horizons, features, seed, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withHorizons(int value) {
        return new ForecastSettings(cell, hiddenSize, layers, value, features, seed, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withFeatures(int value) {
        return new ForecastSettings(cell, hiddenSize, layers, horizons, value, seed, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withSeed(long value) {
        return new ForecastSettings(cell, hiddenSize, layers, horizons, features, value, seasonLength, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withSeasonLength(int value) {
        return new ForecastSettings(cell, hiddenSize, layers, horizons, features, seed, value, ringSize,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withRingSize(int value) {
        return new ForecastSettings(cell, hiddenSize, layers, horizons, features, seed, seasonLength, value,
                gapFactor, resetOnGap);
    }

    public ForecastSettings withGapRule(double factor, boolean reset) {
        return new ForecastSettings(cell, hiddenSize, layers, horizons, features, seed, seasonLength, ringSize,
                factor, reset);
    }

    /** The net: inputs are the scaled values then the calendar features; one output per horizon. */
    public NetConfig netConfig() {
        return new NetConfig(cell, features + CalendarFeatures.SIZE, hiddenSize, layers, horizons);
    }

    /** Ring entries per key: the seasonal baseline looks one season back, so at least the season. */
    public int ringCapacity() {
        return Math.max(ringSize, seasonLength);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    @Override
    public String toString() {
        return "ForecastSettings{cell=" + cell.id() + ", hidden=" + hiddenSize + ", layers=" + layers
                + ", horizons=" + horizons + ", features=" + features + ", seed=" + seed
                + ", season=" + (seasonLength == 0 ? "none (persistence)" : seasonLength + " steps")
                + ", ring=" + ringSize + " (capacity " + ringCapacity() + ")"
                + ", gap=" + gapFactor + "x typical interval" + (resetOnGap ? ", reset on gap" : ", no reset on gap")
                + "}";
    }
}
