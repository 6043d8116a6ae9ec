package io.flowcast.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** {@code java -jar flowcast.jar <command>}: the one entry point of the fat jar. */
@Command(
        name = "flowcast",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        version = "flowcast 0.1.0",
        description = "Online time-series forecasting with recurrent networks on Apache Flink.",
        subcommands = {
            RunCommand.class,
            ParityCommand.class,
            BacktestCommand.class,
            BenchCommand.class,
            KafkaCommand.class,
            FeedCommand.class,
            TailCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
