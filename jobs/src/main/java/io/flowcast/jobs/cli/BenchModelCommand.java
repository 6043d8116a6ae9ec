package io.flowcast.jobs.cli;

import io.flowcast.model.bench.ModelBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench model}: single-thread speed of the model library. */
@Command(name = "model", description = "Step, batched step, training speed and allocation of the model library.")
final class BenchModelCommand implements Callable<Integer> {

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per figure (default ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per figure; the median is printed (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--run-seconds", defaultValue = "1", description = "Seconds per timed run (default ${DEFAULT-VALUE}).")
    double runSeconds;

    @Mixin
    VectorModuleFork fork;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (fork.wanted()) {
            return fork.run(spec.root().commandLine().getParseResult().originalArgs());
        }
        new ModelBenchmark(System.out, warmupSeconds, runs, runSeconds).runAll();
        return 0;
    }
}
