package io.flowcast.jobs.cli;

import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.live.ForecastJob;
import io.flowcast.jobs.live.LiveRun;
import io.flowcast.jobs.live.RunOptions;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.SeededWeights;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
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

    @Option(names = "--speed", defaultValue = "200", paramLabel = "EVENTS_PER_S",
            description = "Feeding rate, events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop once N events are fed and all their forecasts/dead letters are seen; 0 = run until Ctrl-C.")
    long limit;

    @Option(names = "--no-feed", description = "Do not replay a data set; forecast whatever arrives in `observations`.")
    boolean noFeed;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The shared data folder (default: ../shared/data from the working directory or beside the jar's clone).")
    Path data;

    @Option(names = "--dataset", defaultValue = "beijing_air/beijing_pm25_12stations_hourly.csv", paramLabel = "CSV",
            description = "Wide CSV (timestamp,series1,series2,...) under the data folder (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--zone", defaultValue = "Asia/Shanghai", paramLabel = "ZONE",
            description = "Zone of the data set's naive timestamps. Beijing time is UTC+08:00 with no DST since 1991 "
                    + "(default: ${DEFAULT-VALUE}).")
    ZoneId zone;

    @Option(names = "--checkpoint-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Checkpoint interval; forecasts become visible to read_committed consumers at checkpoints "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", description = "Partitions of topics this run creates (default: the parallelism, "
            + "so each source subtask reads one partition, in order).")
    Integer partitions;

    @Mixin
    ForecastOptions forecast;

    @Option(names = "--features", defaultValue = "1",
            description = "Numbers per observation; others are dead-lettered as feature-count (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--max-out-of-orderness", defaultValue = "1min", converter = DurationConverter.class,
            description = "Watermark delay behind the highest event time seen (default: ${DEFAULT-VALUE}).")
    Duration maxOutOfOrderness;

    @Option(names = "--idleness", defaultValue = "10s", converter = DurationConverter.class,
            description = "A source subtask without data this long stops holding back the watermark; 0 = never "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--topic-observations", defaultValue = "observations") String topicObservations;
    @Option(names = "--topic-forecasts", defaultValue = "forecasts") String topicForecasts;
    @Option(names = "--topic-dead-letters", defaultValue = "dead-letters") String topicDeadLetters;
    @Option(names = "--topic-models", defaultValue = "models") String topicModels;

    @Option(names = "--group-id", defaultValue = "flowcast", description = "Consumer group of the job's source.")
    String groupId;

    @Option(names = "--transactional-id-prefix", defaultValue = "flowcast",
            description = "Unique per job on a Kafka cluster and stable across its restarts (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;

    @Option(names = "--transaction-timeout", defaultValue = "2min", converter = DurationConverter.class,
            description = "Producer transaction.timeout.ms: above the checkpoint interval, below the broker's "
                    + "transaction.max.timeout.ms (15min) (default: ${DEFAULT-VALUE}).")
    Duration transactionTimeout;

    @Option(names = "--summary-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often the summary is printed (default: ${DEFAULT-VALUE}).")
    Duration summaryInterval;

    @Option(names = "--web-ui-port", defaultValue = "0", description = "Flink web UI port; 0 = 8081 if free, else any.")
    int webUiPort;

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Flink configuration setting, e.g. -D state.backend.type=rocksdb (repeatable).")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        RunOptions options = new RunOptions(
                bootstrapServers,
                new TopicNames(topicObservations, topicForecasts, topicDeadLetters, topicModels),
                partitions != null ? partitions : parallelism,
                !noFeed, data, dataset, zone, speed, limit, parallelism, checkpointInterval, groupId,
                transactionalIdPrefix, transactionTimeout,
                new ForecastJob.Settings(features, maxOutOfOrderness, idleness),
                summaryInterval, webUiPort, flinkConf);
        try {
            return new LiveRun(options, stage(), spec.commandLine().getOut()).run();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("flowcast run: " + e.getMessage());
            return 2;
        }
    }

    /** The forecasting stage the live job runs: the same keyed forecaster as the backtest. */
    private ForecastStage stage() {
        ForecastSettings settings = forecast.settings(features);
        return new ForecastPipeline(settings, new SeededWeights(settings.seed()));
    }
}
