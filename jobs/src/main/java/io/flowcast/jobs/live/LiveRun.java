package io.flowcast.jobs.live;

import io.flowcast.jobs.dashboard.Dashboard;
import io.flowcast.jobs.dashboard.DashboardSettings;
import io.flowcast.jobs.feed.DataFolder;
import io.flowcast.jobs.feed.Feeder;
import io.flowcast.jobs.feed.WideCsvSeries;
import io.flowcast.jobs.kafka.EmbeddedKafka;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicSetup;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.score.ScoringSettings;
import io.flowcast.jobs.pipeline.JobEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.flowcast.jobs.train.TrainingPipeline;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live demo behind {@code run}: Kafka (in-process unless given), a local Flink cluster with its
 * web UI running {@link ForecastJob}, the feeder replaying a data set, and a summary of the committed
 * output every few seconds, until Ctrl-C or until {@code --limit} events are fed and their outputs seen.
 * Everything started here is stopped here, in reverse order, Ctrl-C included: the JVM's shutdown waits
 * (up to {@link #SHUTDOWN_PATIENCE}) for this thread to stop the job, free its ports and delete the
 * run's folder ({@link RunFolder}), where everything the run writes to disk goes.
 */
public final class LiveRun {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRun.class);
    private static final int DEFAULT_WEB_UI_PORT = 8081;
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long Ctrl-C waits for the run to stop everything it started. */
    static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(60);
    /** How long stopping waits for the local cluster, which shuts down in the background, to free its port. */
    private static final Duration PORT_RELEASE_PATIENCE = Duration.ofSeconds(30);
    /** The exit code after Ctrl-C, as a shell reports a process ended by SIGINT. */
    static final int INTERRUPTED_EXIT_CODE = 130;

    private final RunOptions o;
    private final ForecastStage stage;
    private final PrintWriter out;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private volatile boolean stopRequested;

    private final TrainingPipeline training;
    private final boolean trainOnly;
    /** Null: the forecasts are not scored. */
    private ScoringSettings scoring;
    /** Negative: no dashboard. */
    private int dashboardPort = -1;

    public LiveRun(RunOptions options, ForecastStage stage, PrintWriter out) {
        this(options, stage, null, false, out);
    }

    /**
     * @param training  trains in the same job and publishes to {@code models}; null: forecasting only
     * @param trainOnly only train: the forecasts are another job's
     */
    public LiveRun(RunOptions options, ForecastStage stage, TrainingPipeline training, boolean trainOnly,
                   PrintWriter out) {
        this.o = options;
        this.stage = stage;
        this.training = training;
        this.trainOnly = trainOnly;
        this.out = out;
    }

    /** Serves the dashboard on 127.0.0.1:{@code port} (a free port if taken; 0: any; negative: none). */
    public LiveRun dashboardPort(int port) {
        this.dashboardPort = port;
        return this;
    }

    /** Scores the forecasts to {@code forecast-errors} ({@link ForecastJob#withScoring}); null: not scored. */
    public LiveRun scoring(ScoringSettings scoring) {
        this.scoring = scoring;
        return this;
    }

    /** Runs until done; returns the process exit code. */
    public int run() throws Exception {
        if (o.transactionTimeout().compareTo(o.checkpointInterval()) <= 0) {
            throw new IllegalArgumentException("--transaction-timeout (" + o.transactionTimeout()
                    + ") must exceed --checkpoint-interval (" + o.checkpointInterval()
                    + "): transactions stay open from one checkpoint to the next");
        }
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            awaitQuietly(cleanedUp, SHUTDOWN_PATIENCE);
        }, "flowcast-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runAndWatch();
        } catch (Exception e) {
            if (!stopRequested) {
                throw e;
            }
            // Ctrl-C while starting: whatever was half-started fails as it is stopped; that is no error.
            LOG.debug("stopping on Ctrl-C while {}", e.toString(), e);
            return INTERRUPTED_EXIT_CODE;
        } finally {
            closeAll();
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and now returns.
            }
        }
    }

    private int runAndWatch() throws Exception {
        long started = System.nanoTime();
        // Open the data first: a missing data folder should fail before anything is started.
        WideCsvSeries series = null;
        Path dataFile = null;
        if (o.feed()) {
            dataFile = DataFolder.dataset(o.data(), o.dataset());
            series = new WideCsvSeries(dataFile, o.zone());
            toClose.push(series);
        }
        // Closed last: everything else has stopped writing into it by then.
        RunFolder folder = RunFolder.create();
        toClose.addLast(folder);

        String bootstrap = o.bootstrapServers();
        out.println("flowcast run");
        if (bootstrap == null) {
            EmbeddedKafka kafka = EmbeddedKafka.start(0, folder.path());
            toClose.push(kafka);
            bootstrap = kafka.bootstrapServers();
            out.printf(Locale.ROOT, "  Kafka         %s (in-process KRaft broker, stopped on exit)%n", bootstrap);
        } else {
            out.printf(Locale.ROOT, "  Kafka         %s%s%n", bootstrap, o.kafkaProperties().isEmpty() ? ""
                    : " with client properties " + String.join(", ", o.kafkaProperties().keySet()));
        }
        out.flush();
        stopIfRequested();
        KafkaClientConfig kafkaClients = new KafkaClientConfig(bootstrap, o.kafkaProperties(), o.kafkaTimeout());
        TopicSetup.ensureTopics(kafkaClients, o.topics(), o.partitions(), (short) 1);
        out.printf(Locale.ROOT, "  topics        %s -> %s, %s (read_committed); models on %s%n", o.topics().observations(),
                o.topics().forecasts(), o.topics().deadLetters(), o.topics().models());
        out.printf(Locale.ROOT, "  scoring       %s%n", scoring == null ? "off (--no-scoring)"
                : "errors and anomalies (band " + scoring.anomalyZ() + " sd) to " + o.topics().forecastErrors()
                        + ", rolling over the last " + scoring.window() + " per series and horizon");
        out.printf(Locale.ROOT, "  training      %s%n", training == null ? "off (--no-train): serving what is on " + o.topics().models()
                : training.settings() + ", publishing to " + o.topics().models());

        LiveSummary summary = new LiveSummary(kafkaClients, o.topics());
        toClose.push(summary);
        startDashboard(kafkaClients);

        // Pushed before the job, so closed after it has stopped: nothing writes into the folder as it goes.
        RunCheckpoints checkpoints = RunCheckpoints.choose(o.checkpointDir(), o.flinkConf(), folder.path());
        toClose.push(checkpoints);
        stopIfRequested();
        JobClient job = startJob(bootstrap, o.bootstrapServers() == null, checkpoints, folder);
        Feeder feeder = null;
        if (series != null) {
            feeder = new Feeder(kafkaClients, o.topics().observations(), series, o.speed(), o.limit()).start();
            toClose.push(feeder);
            out.printf(Locale.ROOT, "  feeding       %s: %d series, %s, %s%n", dataFile, series.keys().size(),
                    o.speed() > 0 ? String.format(Locale.ROOT, "%.0f events/s", o.speed()) : "unthrottled",
                    o.limit() > 0 ? "limit " + o.limit() + " events" : "no limit");
            if (series.firstTimestamp() != null) {
                out.printf(Locale.ROOT, "                naive timestamps read as %s time (UTC%s at the first row)%n", o.zone(),
                        o.zone().getRules().getOffset(series.firstTimestamp()));
            }
        }
        out.println();
        out.flush();
        return watch(summary, job, feeder, started);
    }

    /**
     * The dashboard page over the run's topics, on 127.0.0.1 as every listener of run; the port asked
     * for, or any free one when it is taken (a second run on one machine still gets a page).
     */
    private void startDashboard(KafkaClientConfig kafka) throws IOException {
        if (dashboardPort < 0) {
            out.printf(Locale.ROOT, "  Dashboard     off (--dashboard-port PORT serves it)%n");
            return;
        }
        InetAddress loopback = InetAddress.getByName(LOOPBACK);
        Dashboard dashboard;
        boolean fellBack = false;
        try {
            dashboard = Dashboard.start(kafka, o.topics().forecasts(), o.topics().forecastErrors(),
                    Dashboard.DEFAULT_TAIL_RECORDS, DashboardSettings.defaults(), loopback, dashboardPort);
        } catch (BindException taken) {
            fellBack = true;
            dashboard = Dashboard.start(kafka, o.topics().forecasts(), o.topics().forecastErrors(),
                    Dashboard.DEFAULT_TAIL_RECORDS, DashboardSettings.defaults(), loopback, 0);
        }
        toClose.push(dashboard);
        out.printf(Locale.ROOT, "  Dashboard     %s%s%n", dashboard.url(),
                fellBack ? " (port " + dashboardPort + " was taken)" : "");
    }

    /**
     * Starts the local cluster and the job. With no port given it tries 8081 and, if another
     * process takes that port between the check and Flink's bind, starts again on a free port.
     *
     * @param freshBroker the in-process broker: nothing committed yet, so read from the beginning
     */
    private JobClient startJob(String bootstrap, boolean freshBroker, RunCheckpoints checkpoints, RunFolder folder)
            throws Exception {
        PrometheusEndpoint metrics = o.metricsPort() < 0 ? null : PrometheusEndpoint.choose(o.metricsPort());
        if (o.webUiPort() > 0) {
            return startJob(bootstrap, freshBroker, checkpoints, folder, o.webUiPort(), metrics);
        }
        try {
            return startJob(bootstrap, freshBroker, checkpoints, folder, webUiPort(o.webUiAddress()), metrics);
        } catch (Exception e) {
            if (!ExceptionUtils.findThrowable(e, BindException.class).isPresent()) {
                throw e;
            }
            LOG.info("web UI port taken while starting ({}); starting on a free port", e.getMessage());
            return startJob(bootstrap, freshBroker, checkpoints, folder, freePort(o.webUiAddress()), metrics);
        }
    }

    /**
     * The local cluster's configuration, which is also the job's: the settings of every flowcast job
     * ({@link JobEnvironment#jobDefaults()}: no Kryo), the web UI and REST API on {@code webUiAddress}
     * (127.0.0.1 unless the user says otherwise), the cluster's other listeners (blob server, data
     * exchange) on 127.0.0.1 only, every folder in the run's own ({@code folder}), checkpoints to
     * {@code checkpoints}' folder, then the user's {@code -D} settings, which win over all of these.
     */
    static Configuration localClusterConfiguration(Map<String, String> flinkConf, RunCheckpoints checkpoints,
            RunFolder folder, String webUiAddress, int webUiPort) {
        return localClusterConfiguration(flinkConf, checkpoints, folder, webUiAddress, webUiPort, null);
    }

    /** The same, with Flink's Prometheus reporter on {@code metrics} (null: no reporter). */
    static Configuration localClusterConfiguration(Map<String, String> flinkConf, RunCheckpoints checkpoints,
            RunFolder folder, String webUiAddress, int webUiPort, PrometheusEndpoint metrics) {
        Configuration conf = JobEnvironment.jobDefaults();
        conf.set(RestOptions.BIND_ADDRESS, webUiAddress);
        conf.set(RestOptions.ADDRESS, webUiAddress);
        conf.set(RestOptions.PORT, webUiPort);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        if (folder != null) {
            folder.applyTo(conf);
        }
        checkpoints.applyTo(conf);
        if (metrics != null) {
            metrics.applyTo(conf);
        }
        conf.addAll(Configuration.fromMap(flinkConf));
        return conf;
    }

    private JobClient startJob(String bootstrap, boolean freshBroker, RunCheckpoints checkpoints, RunFolder folder,
            int webUiPort, PrometheusEndpoint metrics) throws Exception {
        long started = System.nanoTime();
        Configuration conf = localClusterConfiguration(o.flinkConf(), checkpoints, folder, o.webUiAddress(), webUiPort,
                metrics);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(o.parallelism());
        env.enableCheckpointing(o.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        KafkaSettings kafka = new KafkaSettings(bootstrap, o.topics(), o.groupId(), o.transactionalIdPrefix(),
                o.transactionTimeout(), o.kafkaProperties());
        // An existing Kafka: resume from the group's committed offsets (a new group starts at the
        // beginning). A fresh broker has no committed offsets, and starting from the earliest offsets
        // spares the source a lookup at a group coordinator that is still being created.
        OffsetsInitializer start = freshBroker
                ? OffsetsInitializer.earliest()
                : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        ForecastJob forecastJob = new ForecastJob(
                KafkaConnectors.observationSource(kafka, start, false),
                KafkaConnectors.modelSource(kafka),
                stage,
                KafkaConnectors.forecastSink(kafka),
                KafkaConnectors.deadLetterSink(kafka),
                o.jobSettings());
        if (training != null) {
            forecastJob.withTraining(training, KafkaConnectors.modelSink(kafka));
        }
        if (scoring != null) {
            forecastJob.withScoring(scoring, KafkaConnectors.forecastErrorSink(kafka));
        }
        if (trainOnly) {
            forecastJob.trainingOnly();
        }
        forecastJob.addTo(env);
        JobClient job = env.executeAsync("flowcast live forecasts");
        String restAddress = conf.get(RestOptions.BIND_ADDRESS);
        int restPort = conf.get(RestOptions.PORT);
        toClose.push(() -> {
            stopJob(job);
            awaitPortReleased(restAddress, restPort, PORT_RELEASE_PATIENCE);
            if (metrics != null) {
                awaitPortReleased(PrometheusEndpoint.EVERY_INTERFACE, metrics.port(), PORT_RELEASE_PATIENCE);
            }
        });
        LOG.info("local Flink cluster started and job submitted in {} ms", (System.nanoTime() - started) / 1_000_000);
        out.printf(Locale.ROOT, "  Flink web UI  http://%s:%d/%n", conf.get(RestOptions.ADDRESS), conf.get(RestOptions.PORT));
        if (metrics == null) {
            out.printf(Locale.ROOT, "  Prometheus    off (--metrics-port PORT serves it, on every interface)%n");
        } else if (metrics.isListening()) {
            out.printf(Locale.ROOT, "  Prometheus    %s (Flink's reporter: the cluster's and flowcast's metrics)%n",
                    metrics.url(LOOPBACK));
        } else {
            // Flink logs a reporter that fails to start and runs on without it.
            out.printf(Locale.ROOT, "  Prometheus    not serving: port %d was taken at start (--metrics-port to choose one)%n",
                    metrics.port());
        }
        out.printf(Locale.ROOT, "  job           %s, parallelism %d, checkpoint every %s (output is committed at checkpoints)%n",
                job.getJobID(), o.parallelism(), TimeUtils.formatWithHighestUnit(o.checkpointInterval()));
        out.printf(Locale.ROOT, "  checkpoints   %s%n", checkpoints.describe());
        return job;
    }

    private int watch(LiveSummary summary, JobClient job, Feeder feeder, long started) throws Exception {
        long interval = o.summaryInterval().toNanos();
        long nextPrint = System.nanoTime() + interval;
        // With --limit, give up when nothing new arrives for this long after feeding ended.
        long stallLimit = Math.max(Duration.ofSeconds(60).toNanos(), 10 * o.checkpointInterval().toNanos());
        long lastOutputs = 0;
        long lastProgress = System.nanoTime();
        boolean warnedNoProgress = false;
        while (!stopRequested) {
            summary.poll(POLL);
            long now = System.nanoTime();
            long outputs = summary.forecasts() + summary.deadLetters();
            if (outputs != lastOutputs) {
                lastOutputs = outputs;
                lastProgress = now;
                warnedNoProgress = false;
            }
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            long fed = feeder == null ? -1 : feeder.fed();
            Duration elapsed = Duration.ofNanos(now - started);
            if (status.isGloballyTerminalState()) {
                out.print(summary.render(elapsed, fed, status.toString()));
                out.println("the job stopped on its own (" + status + "): " + failureOf(job));
                return 1;
            }
            if (feeder != null && feeder.failure() != null) {
                out.print(summary.render(elapsed, fed, status.toString()));
                out.println("feeding failed: " + feeder.failure());
                return 1;
            }
            boolean inputDone = feeder == null ? outputs >= o.limit() : feeder.done();
            boolean finished = o.limit() > 0 && inputDone && outputs >= Math.max(fed, 0);
            if (now >= nextPrint || finished) {
                out.print(summary.render(elapsed, fed, status.toString()));
                out.flush();
                nextPrint += interval;
            }
            if (finished) {
                out.printf(Locale.ROOT, "done: %s%,d forecasts and %,d dead letters committed in %d s%n",
                        feeder == null ? "" : String.format(Locale.ROOT, "%,d events fed, ", fed),
                        summary.forecasts(), summary.deadLetters(), elapsed.toSeconds());
                return 0;
            }
            long pending = feeder == null ? 0 : fed - outputs;
            if (!warnedNoProgress && pending > 0 && now - lastProgress > stallLimit) {
                out.printf(Locale.ROOT, "warning: nothing committed for %d s while %,d events wait; see the job in the "
                        + "Flink web UI%n", Duration.ofNanos(now - lastProgress).toSeconds(), pending);
                warnedNoProgress = true;
            }
            if (o.limit() > 0 && inputDone && now - lastProgress > stallLimit) {
                out.printf(Locale.ROOT, "no new output for %d s after feeding ended: %,d of %,d events accounted for%n",
                        Duration.ofNanos(now - lastProgress).toSeconds(), outputs, fed);
                return 1;
            }
        }
        out.println("stopping: shutdown requested (Ctrl-C or SIGTERM)");
        out.flush();
        return INTERRUPTED_EXIT_CODE;
    }

    /** Ctrl-C while starting: start nothing more ({@link #run()} stops what has started). */
    private void stopIfRequested() {
        if (stopRequested) {
            throw new IllegalStateException("stopped while starting");
        }
    }

    private static String failureOf(JobClient job) {
        try {
            job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            return "no error reported";
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause.toString();
        }
    }

    private static void stopJob(JobClient job) throws Exception {
        if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
        } catch (Exception expectedAfterCancel) {
            // A cancelled job completes its result exceptionally; what matters is that it ended.
        }
    }

    private void closeAll() {
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("while shutting down {}", c, e);
            }
        }
    }

    /** 8081 like a Flink cluster when it is free, so the usual URL works; else any free port. */
    private static int webUiPort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(DEFAULT_WEB_UI_PORT, 1, InetAddress.getByName(address))) {
            return DEFAULT_WEB_UI_PORT;
        } catch (IOException taken) {
            return freePort(address);
        }
    }

    /** A port free now; closed again before it is returned, so that Flink can bind it. */
    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    /**
     * Returns once {@code port} can be bound again, or after {@code patience}: a local cluster shuts
     * down in the background once its job has ended, and a run that has returned should have freed
     * its ports (a second run, a test, may want them at once).
     */
    static boolean awaitPortReleased(String address, int port, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(address, port), 1);
                return true;
            } catch (IOException stillBound) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("port {} on {} still bound {} s after the job stopped", port, address, patience.toSeconds());
                    return false;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration patience) {
        try {
            latch.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
