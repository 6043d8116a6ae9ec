package io.flowcast.jobs.cli;

import io.flowcast.jobs.dashboard.Dashboard;
import io.flowcast.jobs.live.LiveRun;
import io.flowcast.jobs.live.RunOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the live forecasting job on Kafka, with everything it needs started in-process by default. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the live forecasting job: Kafka `observations` -> Flink -> `forecasts` + `dead-letters`.",
            "With no flags: starts a Kafka broker in-process, a local Flink cluster with its web UI, replays the",
            "Beijing PM2.5 data set (12 stations) into `observations`, and prints a summary of the committed output",
            "every few seconds until Ctrl-C (or --limit)."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this Kafka instead of starting one in-process; missing topics are created.")
    String bootstrapServers;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop once N events are fed and all their forecasts/dead letters are seen; 0 = run until Ctrl-C.")
    long limit;

    @Option(names = "--no-feed", description = "Do not replay a data set; forecast whatever arrives in `observations`.")
    boolean noFeed;

    @Mixin
    DataSetOptions dataSet;

    @Option(names = "--checkpoint-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Checkpoint interval; forecasts become visible to read_committed consumers at checkpoints "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where checkpoints are written (a folder, or a URI such as file:///...), kept on exit. "
                    + "Default: a new folder under the system temp folder's flowcast-checkpoints/, deleted on exit. "
                    + "-D execution.checkpointing.dir=... wins over both.")
    String checkpointDir;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", description = "Partitions of topics this run creates (default: the parallelism, "
            + "so each source subtask reads one partition, in order).")
    Integer partitions;

    @Mixin
    JobOptions job;

    @Option(names = "--summary-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often the summary is printed (default: ${DEFAULT-VALUE}).")
    Duration summaryInterval;

    @Option(names = "--web-ui-port", defaultValue = "0", description = "Flink web UI port; 0 = 8081 if free, else any.")
    int webUiPort;

    @Option(names = "--web-ui-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address the Flink web UI and REST API listen on; 0.0.0.0 = every interface, which lets "
                    + "anyone who reaches this machine cancel or submit jobs (default: ${DEFAULT-VALUE}).")
    String webUiAddress;

    // Off unless asked for: every other listener of run is on 127.0.0.1, and Flink's reporter has no
    // address setting, so turning it on opens a port on every interface.
    @Option(names = "--metrics-port", defaultValue = "-1", paramLabel = "PORT",
            description = "Serve Flink's Prometheus reporter (the cluster's and flowcast's metrics at "
                    + "http://HOST:PORT/metrics) on this port, on every interface (the reporter has no address "
                    + "setting); 0 = 9249 if free, else any; -1 = none (default).")
    int metricsPort;

    @Option(names = "--dashboard-port", defaultValue = "" + Dashboard.DEFAULT_PORT, paramLabel = "PORT",
            description = "Serve the dashboard page on 127.0.0.1:PORT; a taken port falls back to a free one; "
                    + "0 = any free port; -1 = none (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Flink configuration setting, e.g. -D state.backend.type=rocksdb (repeatable).")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        RunOptions options = new RunOptions(
                bootstrapServers, job.topics(), partitions != null ? partitions : parallelism,
                !noFeed, dataSet.data, dataSet.dataset, dataSet.zone, dataSet.speed, limit, parallelism, checkpointInterval,
                checkpointDir, job.groupId(), job.transactionalIdPrefix(), job.transactionTimeout(), job.jobSettings(),
                summaryInterval, webUiPort, webUiAddress, metricsPort, flinkConf, job.kafkaClient().properties(),
                job.kafkaClient().timeout());
        return new LiveRun(options, job.stage(), job.training(), job.trainOnly(), spec.commandLine().getOut())
                .scoring(job.scoring()).dashboardPort(dashboardPort).run();
    }
}
