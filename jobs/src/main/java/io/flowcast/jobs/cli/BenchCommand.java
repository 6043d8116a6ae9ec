package io.flowcast.jobs.cli;

import picocli.CommandLine.Command;

/** Benchmarks that print figures, one per line. */
@Command(name = "bench", description = "Benchmarks that print figures.", subcommands = {BenchModelCommand.class, BenchJobCommand.class, BenchScaleCommand.class})
final class BenchCommand {
}
