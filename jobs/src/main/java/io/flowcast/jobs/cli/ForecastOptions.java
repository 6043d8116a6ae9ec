package io.flowcast.jobs.cli;

import io.flowcast.jobs.bench.BenchModel;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.model.CellType;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The forecaster's settings as command-line options, shared by the commands that run it. */
final class ForecastOptions {

    private static final ForecastSettings DEFAULTS = ForecastSettings.defaults();

    @Option(names = "--horizon", description = "Forecast horizons 1..H per event (default ${DEFAULT-VALUE}).")
    int horizon = DEFAULTS.horizons();

    @Option(names = "--season", description = "Season length in events for the baseline before any model (seasonal naive); 0 = persistence (default ${DEFAULT-VALUE}).")
    int season = DEFAULTS.seasonLength();

    @Option(names = "--no-ensemble", description = "Forecast with the serving model alone, not the mean of it and the version before.")
    boolean noEnsemble;

    @Option(names = "--gap-factor", description = "A gap longer than this many typical intervals counts as a gap (default ${DEFAULT-VALUE}).")
    double gapFactor = DEFAULTS.gapFactor();

    @Option(names = "--reset-on-gap", description = "Zero the recurrent state after such a gap.")
    boolean resetOnGap = DEFAULTS.resetOnGap();

    @Option(names = "--series-ttl", converter = DurationConverter.class, defaultValue = "30d",
            description = "A series with no event for this long in event time is cleared (state and timer); it starts "
                    + "over if it returns. 0s: never (default ${DEFAULT-VALUE}).")
    Duration seriesTtl = DEFAULTS.seriesTtl();

    // The net comes with each model; these shape the seeded net of `bench job` only.
    @Option(names = "--cell", description = "bench job: lstm, gru, rnn_tanh or rnn_relu (default lstm).")
    String cell = "lstm";

    @Option(names = "--hidden", description = "bench job: hidden units per layer (default ${DEFAULT-VALUE}).")
    int hidden = 32;

    @Option(names = "--layers", description = "bench job: recurrent layers (default ${DEFAULT-VALUE}).")
    int layers = 1;

    @Option(names = "--ring", description = "bench job: steps replayed to re-warm a series, its history (default ${DEFAULT-VALUE}).")
    int ring = 32;

    @Option(names = "--seed", description = "bench job: seed of the untrained net (default ${DEFAULT-VALUE}).")
    long seed = 42L;

    ForecastSettings settings() {
        return settings(1);
    }

    /** With {@code features} values per event. */
    ForecastSettings settings(int features) {
        return DEFAULTS.withHorizons(horizon).withFeatures(features).withSeasonLength(season).withEnsemble(!noEnsemble)
                .withGapRule(gapFactor, resetOnGap).withSeriesTtl(seriesTtl);
    }

    /** The seeded net {@code bench job} serves. */
    BenchModel benchModel() {
        return new BenchModel(CellType.fromId(cell), hidden, layers, ring, seed);
    }
}
