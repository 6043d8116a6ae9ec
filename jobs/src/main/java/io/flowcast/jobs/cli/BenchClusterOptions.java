package io.flowcast.jobs.cli;

import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Option;

/** The local Flink cluster a job benchmark runs on: parallelism and managed memory, the same for every benchmark. */
final class BenchClusterOptions {

    @Option(names = "--parallelism", description = "Flink parallelism (default: available processors).")
    int parallelism = Runtime.getRuntime().availableProcessors();

    @Option(names = "--managed-memory", defaultValue = "1g",
            description = "Managed memory of the local task manager, RocksDB's cache and write buffers (default ${DEFAULT-VALUE}).")
    String managedMemory;

    MemorySize managedMemory() {
        return MemorySize.parse(managedMemory);
    }
}
