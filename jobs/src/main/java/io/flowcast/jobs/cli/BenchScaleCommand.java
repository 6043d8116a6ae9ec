package io.flowcast.jobs.cli;

import io.flowcast.jobs.bench.BenchModel;
import io.flowcast.jobs.bench.ScaleBenchmark;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.CellType;
import io.flowcast.model.online.OnlineRecipe;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code bench scale}: the full job graph, training included, over K synthetic hourly series, against a
 * state-only pass-through; throughput, checkpoints, state, model size, fits and heap, one figure a line.
 */
@Command(name = "scale", sortOptions = false,
        description = {"The full job (parse -> event time -> forecaster, and training with the default recipe) over K "
                + "synthetic hourly series with checkpoints every 10 s, against the same graph with a keyed pass-through "
                + "of the same state and no training. Prints events/s, the pass-through's, their ratio, checkpoint "
                + "duration and size, state per key, model record size, fits and the heap's maximum.",
            "The forecaster serves a seeded, untrained net as version 1 from the first event; here --cell, --hidden, "
                + "--layers and --ring default to the recipe's cell, size and live history (window + season x seasons)."})
final class BenchScaleCommand implements Callable<Integer> {

    @Option(names = "--keys", required = true, description = "Series.")
    int keys;

    @Option(names = "--backend", defaultValue = "hashmap", description = "State backend: hashmap or rocksdb (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--hours", description = "Hours of data per series (default: enough for two fits of the recipe, "
            + "window + season + horizon + retrain interval + a day).")
    Integer hours;

    @Option(names = "--max-seconds", defaultValue = "0",
            description = "Stop each job's load after S seconds and measure up to there (0: run to the end of the data).")
    long maxSeconds;

    @Mixin
    BenchClusterOptions cluster;

    @Mixin
    ForecastOptions forecast;

    @Mixin
    TrainingOptions training;

    @Mixin
    VectorModuleFork fork;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (fork.wanted()) {
            return fork.run(spec.root().commandLine().getParseResult().originalArgs());
        }
        try {
            if (training.noTrain) {
                throw new IllegalArgumentException("--no-train: bench scale measures the job with training");
            }
            TrainingSettings trainingSettings = training.settings(forecast.horizon, ModelNames.fixed(ForecastSettings.DEFAULT_MODEL));
            new ScaleBenchmark(System.out, forecast.settings(), trainingSettings, servedNet(trainingSettings), keys, backend,
                    hours != null ? hours : ScaleBenchmark.defaultHours(trainingSettings), maxSeconds, cluster.parallelism,
                    cluster.managedMemory()).runAll();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("flowcast bench scale: " + e.getMessage());
            return 2;
        }
    }

    /**
     * The net the forecaster serves: the recipe's cell, size and live history (window plus seasonal
     * look-back), so a key's state is the size a trained model needs; {@code --cell/--hidden/--layers/--ring}
     * override.
     */
    private BenchModel servedNet(TrainingSettings settings) {
        OnlineRecipe recipe = settings.recipe(Duration.ofHours(1));
        ParseResult given = spec.commandLine().getParseResult();
        return new BenchModel(
                given.hasMatchedOption("--cell") ? CellType.fromId(forecast.cell) : recipe.cell(),
                given.hasMatchedOption("--hidden") ? forecast.hidden : recipe.hidden(),
                given.hasMatchedOption("--layers") ? forecast.layers : recipe.layers(),
                given.hasMatchedOption("--ring") ? forecast.ring : recipe.liveRingLength(),
                forecast.seed);
    }
}
