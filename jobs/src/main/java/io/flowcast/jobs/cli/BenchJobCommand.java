package io.flowcast.jobs.cli;

import io.flowcast.jobs.bench.JobBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench job}: the forecasting job against a state-only pass-through, on HashMap and RocksDB state. */
@Command(name = "job", description = "Throughput of generator -> keyBy -> forecaster -> discard, against a keyed pass-through with state of the same size; HashMap then RocksDB.")
final class BenchJobCommand implements Callable<Integer> {

    @Option(names = "--keys", defaultValue = "100000", description = "Series (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--events", defaultValue = "5000000", description = "Events per job (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--scoring", description = "Also measure the forecaster followed by the scorer (and the JSON its records become).")
    boolean scoring;

    @Mixin
    BenchClusterOptions cluster;

    @Mixin
    ForecastOptions forecast;

    @Mixin
    VectorModuleFork fork;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (fork.wanted()) {
            return fork.run(spec.root().commandLine().getParseResult().originalArgs());
        }
        new JobBenchmark(System.out, forecast.settings(), forecast.benchModel(), keys, events, cluster.parallelism, cluster.managedMemory())
                .withScoring(scoring).runAll();
        return 0;
    }
}
