package io.flowcast.jobs.cli;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.model.CellType;
import picocli.CommandLine.Option;

/** The forecaster's settings as command-line options, shared by the commands that run it. */
final class ForecastOptions {

    private static final ForecastSettings DEFAULTS = ForecastSettings.defaults();

    @Option(names = "--cell", description = "lstm, gru, rnn_tanh or rnn_relu (default lstm).")
    String cell = DEFAULTS.cell().id();

    @Option(names = "--hidden", description = "Hidden units per layer (default ${DEFAULT-VALUE}).")
    int hidden = DEFAULTS.hiddenSize();

    @Option(names = "--layers", description = "Recurrent layers (default ${DEFAULT-VALUE}).")
    int layers = DEFAULTS.layers();

    @Option(names = "--horizon", description = "Forecast horizons 1..H per event (default ${DEFAULT-VALUE}).")
    int horizon = DEFAULTS.horizons();

    @Option(names = "--season", description = "Season length in events for the seasonal-naive baseline; 0 = persistence (default ${DEFAULT-VALUE}).")
    int season = DEFAULTS.seasonLength();

    @Option(names = "--ring", description = "Recent inputs kept per series for re-warming (default ${DEFAULT-VALUE}).")
    int ring = DEFAULTS.ringSize();

    @Option(names = "--seed", description = "Seed of the untrained weights (default ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = "--gap-factor", description = "A gap longer than this many typical intervals counts as a gap (default ${DEFAULT-VALUE}).")
    double gapFactor = DEFAULTS.gapFactor();

    @Option(names = "--reset-on-gap", description = "Zero the recurrent state after such a gap.")
    boolean resetOnGap = DEFAULTS.resetOnGap();

    ForecastSettings settings() {
        return settings(1);
    }

    /** With {@code features} values per event. */
    ForecastSettings settings(int features) {
        return new ForecastSettings(CellType.fromId(cell), hidden, layers, horizon, features, seed, season, ring,
                gapFactor, resetOnGap);
    }
}
