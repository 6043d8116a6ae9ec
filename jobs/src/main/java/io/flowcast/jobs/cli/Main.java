package io.flowcast.jobs.cli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
            DashboardCommand.class,
        })
public final class Main {

    /** Read by log4j2.properties: how much of an exception a console log line shows. */
    static final String LOG_THROWABLE_PROPERTY = "flowcast.log.throwable";
    /** Read by log4j2.properties: the level of the Kafka clients' connection warnings. */
    static final String LOG_KAFKA_NETWORK_PROPERTY = "flowcast.log.kafka-network";

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace; log lines show whole stack traces and Kafka's "
                    + "connection warnings.")
    void debug(boolean on) {
        CommandErrors.debug = on;
    }

    public static void main(String[] args) {
        // Before anything logs: the logging configuration reads these once, when it starts.
        if (Arrays.asList(args).contains("--debug")) {
            System.setProperty(LOG_THROWABLE_PROPERTY, "full");
            System.setProperty(LOG_KAFKA_NETWORK_PROPERTY, "WARN");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with flowcast's error handling: one line per error, a stack trace only with --debug. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(new CommandErrors());
    }
}
