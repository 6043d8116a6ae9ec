package io.flowcast.deploy;

import io.flowcast.jobs.cli.DurationConverter;
import io.flowcast.jobs.cli.JobOptions;
import io.flowcast.jobs.live.ForecastJob;
import io.flowcast.jobs.pipeline.JobEnvironment;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The entry class of {@code flowcast-cluster.jar}: the live forecasting job of {@code flowcast run}
 * (Kafka source -> parse -> keyed forecaster -> exactly-once Kafka sinks, the same uids) against an
 * existing Kafka, with nothing else started: no broker, no feeder, no web UI. The environment is the
 * context's, so on a cluster its configuration applies (state backend, checkpoint and savepoint
 * directories, restart strategy, default parallelism); run with {@code java} it is a local MiniCluster.
 */
@Command(name = "flowcast-cluster.jar", mixinStandardHelpOptions = true, sortOptions = false,
        version = "flowcast 0.1.0",
        description = {
            "The live forecasting job for a Flink cluster: Kafka `observations` -> forecasts + dead letters, exactly once.",
            "The topics must exist. Submit with the REST API (deploy/submit.sh), `flink run`, or a FlinkDeployment."})
public final class ClusterJob {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJob.class);

    /** Used when neither the flag nor the cluster sets an interval: output is committed at checkpoints. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "The Kafka cluster.")
    String bootstrapServers;

    @Option(names = "--parallelism", description = "Job parallelism (default: the cluster's parallelism.default).")
    Integer parallelism;

    @Option(names = "--checkpoint-interval", converter = DurationConverter.class,
            description = "Checkpoint interval; forecasts become visible to read_committed consumers at checkpoints "
                    + "(default: the cluster's execution.checkpointing.interval, else 5s).")
    Duration checkpointInterval;

    @Option(names = "--job-name", defaultValue = "flowcast live forecasts", description = "(default: ${DEFAULT-VALUE}).")
    String jobName;

    @Mixin
    JobOptions job;

    /**
     * Never calls {@link System#exit}: in a session cluster this runs inside the JobManager. Bad
     * arguments throw, so the submission fails with the message.
     */
    public static void main(String[] args) throws Exception {
        ClusterJob clusterJob = parse(args);
        if (clusterJob != null) {
            clusterJob.build().execute(clusterJob.jobName);
        }
    }

    /** The parsed arguments, or null when help or the version was asked for (and printed). */
    static ClusterJob parse(String... args) {
        ClusterJob clusterJob = new ClusterJob();
        CommandLine commandLine = new CommandLine(clusterJob);
        try {
            return CommandLine.printHelpIfRequested(commandLine.parseArgs(args)) ? null : clusterJob;
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + System.lineSeparator() + commandLine.getUsageMessage(), e);
        }
    }

    /** The job graph on the context environment, checkpointing on, ready to execute. */
    StreamExecutionEnvironment build() {
        StreamExecutionEnvironment env = JobEnvironment.create(new Configuration());
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        Duration interval = checkpointInterval(env);
        if (job.transactionTimeout().compareTo(interval) <= 0) {
            throw new IllegalArgumentException("--transaction-timeout (" + job.transactionTimeout()
                    + ") must exceed the checkpoint interval (" + interval
                    + "): transactions stay open from one checkpoint to the next");
        }
        // Exactly-once sinks commit at checkpoints: without them an unbounded job never commits anything.
        env.enableCheckpointing(interval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        job.onKafka(job.kafka(bootstrapServers)).addTo(env);
        LOG.info("flowcast job '{}': Kafka {}, topics {}, parallelism {}, checkpoint every {}", jobName, bootstrapServers,
                job.topics(), env.getParallelism(), interval);
        return env;
    }

    /** The flag, else the cluster's configured interval, else the default. */
    private Duration checkpointInterval(StreamExecutionEnvironment env) {
        if (checkpointInterval != null) {
            return checkpointInterval;
        }
        long configured = env.getCheckpointInterval();
        return configured > 0 ? Duration.ofMillis(configured) : DEFAULT_CHECKPOINT_INTERVAL;
    }
}
