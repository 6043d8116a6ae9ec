package io.flowcast.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.json.ObservationJson;
import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.live.ForecastJob;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.pipeline.JobEnvironment;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ServingModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * {@code bench scale}: the whole live job graph ({@link ForecastJob}: raw records -> parse -> event
 * time -> forecaster, and the training path with the default recipe) over K synthetic hourly series,
 * against the same graph with the forecaster replaced by a keyed pass-through of the same state size
 * and no training. Each job runs on its own local cluster with real checkpoints every 10 s to a temp
 * directory (deleted at the end) and its REST API up, so the figures are what the job and Flink
 * report, not estimates:
 *
 * <ul>
 * <li>events/s: forecasts reaching the sink over the span from the first one to the end of input
 *     (or to the stop with {@code --max-seconds}), as {@link ThroughputProbe} counts them;</li>
 * <li>checkpoints: polled from {@code /jobs/<id>/checkpoints} every second: the longest end-to-end
 *     duration, the most bytes one checkpoint wrote ({@code checkpointed_size}: with incremental
 *     RocksDB checkpoints what was uploaded, else the full state), failures;</li>
 * <li>state bytes-per-key: the full state size ({@code state_size}, also with incremental checkpoints) of
 *     the latest checkpoint triggered during the load and completed, over K (the trainer's, the
 *     forecaster's and the sources' state together);</li>
 * <li>model records: the payload size of each version the trainer publishes (to a probe sink: there is
 *     no models topic here, so the forecaster keeps serving what it was built with), and each
 *     payload's {@link ServingModel.Info}: windows of the fit ({@code samples}) and its wall time;</li>
 * <li>fits: the trainer's {@code fits} counter, and its {@code lastFitMillis} and {@code lastFitWindows}
 *     gauges sampled every 50 ms, read through a metric reporter registered in the local cluster
 *     ({@link TrainerMetricsFactory}); the largest fit and the longest are also taken from the
 *     published payloads, which a sample may have missed;</li>
 * <li>heap: this JVM's heap used (the local cluster runs in it), sampled every second, the maximum.</li>
 * </ul>
 *
 * <p>The forecaster serves a preloaded, seeded, untrained {@link BenchModel} as version 1 from the
 * first event, as in {@code bench job}, so every event steps a real recurrent net the size of the
 * recipe's; the pass-through keeps a copy of that model's full per-key state
 * ({@link StatePassThroughFunction}). The sinks and the metric reporter hand their figures over in
 * memory ({@link Probes}), which works because the local cluster runs in this JVM.
 */
public final class ScaleBenchmark {

    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** The synthetic series' step, the recipe's step. */
    static final Duration STEP = Duration.ofHours(1);
    /** Hours of margin after the second fit's time stamp in the default length. */
    private static final int MARGIN_HOURS = 24;

    private final PrintStream out;
    private final ForecastSettings settings;
    private final TrainingSettings training;
    private final BenchModel net;
    private final int keys;
    private final String backend;
    private final int hours;
    private final long maxSeconds;
    private final int parallelism;
    private final MemorySize managedMemory;

    /**
     * @param hours      hours of data per series
     * @param maxSeconds stop each job's load after this many seconds (0: run to the end of the data)
     */
    public ScaleBenchmark(PrintStream out, ForecastSettings settings, TrainingSettings training, BenchModel net,
                          int keys, String backend, int hours, long maxSeconds, int parallelism, MemorySize managedMemory) {
        if (!backend.equals("hashmap") && !backend.equals("rocksdb")) {
            throw new IllegalArgumentException("--backend must be hashmap or rocksdb, got " + backend);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, got " + parallelism);
        }
        if (keys < parallelism) {
            throw new IllegalArgumentException("--keys (" + keys + ") must be at least the parallelism (" + parallelism
                    + "): each source reader owns its own series");
        }
        if (hours < 1) {
            throw new IllegalArgumentException("--hours must be at least 1, got " + hours);
        }
        if (maxSeconds < 0) {
            throw new IllegalArgumentException("--max-seconds must not be negative, got " + maxSeconds);
        }
        this.out = out;
        this.settings = settings;
        this.training = training;
        this.net = net;
        this.keys = keys;
        this.backend = backend;
        this.hours = hours;
        this.maxSeconds = maxSeconds;
        this.parallelism = parallelism;
        this.managedMemory = managedMemory;
    }

    /**
     * Hours for two fits of {@code training}'s recipe on hourly series: its first training windows need
     * {@code window + season} steps of history and {@code horizon} steps of targets, the first fit
     * follows, the second one {@code retrainEvery} later; plus a day. (With fewer keys than the
     * recipe's {@code minSamples} windows the first fit may come later.)
     */
    public static int defaultHours(TrainingSettings training) {
        OnlineRecipe r = training.recipe(STEP);
        long every = Math.max(1, r.retrainEvery().toMillis() / STEP.toMillis());
        return Math.toIntExact(r.window() + r.season() + r.horizon() + every + MARGIN_HOURS);
    }

    /** What one job measured. */
    record JobFigures(long records, double eventsPerSecond, long firstMillis, long endMillis, boolean stopped,
                      CheckpointStats checkpoints,
                      long stateBytes, boolean stateDuringLoad, long heapMaxBytes, long fits, long maxFitMillis, long models,
                      long maxModelBytes, long maxWindowsPerFit, long deadLetters, List<Checkpoint> failedCheckpoints) {

        /**
         * The failed checkpoints triggered while the load ran. Others fail as a bounded job's tasks start
         * or finish (declined: tasks not ready; a finished task's unknown), which a live job never does.
         */
        List<Checkpoint> failedDuringLoad() {
            return failedCheckpoints.stream().filter(c -> c.triggerMillis() >= firstMillis && c.triggerMillis() <= endMillis)
                    .toList();
        }
    }

    public void runAll() throws Exception {
        long events = HourlySeries.count(keys, parallelism, hours);
        out.printf(Locale.ROOT, "# bench scale: %d series x %d hours (%d events), parallelism %d, %s, managed memory %d MB, "
                        + "heap limit %d MB, checkpoints every %d s%s; training %s; the forecaster serves a seeded %s as version 1%n",
                keys, hours, events, parallelism, backend, managedMemory.getMebiBytes(),
                Runtime.getRuntime().maxMemory() >> 20, CHECKPOINT_INTERVAL.toSeconds(),
                maxSeconds > 0 ? ", each job stopped after " + maxSeconds + " s" : "", training, net);
        out.flush();
        JobFigures full = measure(true);
        List<String> lines = lines(keys, backend, full, null);
        out.println(lines.get(0));
        out.flush();
        JobFigures passThrough = measure(false);
        lines = lines(keys, backend, full, passThrough);
        for (int i = 1; i < lines.size(); i++) {
            out.println(lines.get(i));
        }
        for (String note : notes(full, passThrough, events)) {
            out.println(note);
        }
        out.flush();
    }

    /** The figures, one a line, in the agreed order; without the pass-through only the first. */
    static List<String> lines(int keys, String backend, JobFigures full, JobFigures passThrough) {
        String p = String.format(Locale.ROOT, "scale keys=%d backend=%s ", keys, backend);
        List<String> lines = new ArrayList<>();
        lines.add(p + String.format(Locale.ROOT, "events/s %.0f", full.eventsPerSecond()));
        if (passThrough == null) {
            return lines;
        }
        CheckpointStats c = full.checkpoints();
        lines.add(p + String.format(Locale.ROOT, "pass-through events/s %.0f", passThrough.eventsPerSecond()));
        lines.add(p + String.format(Locale.ROOT, "ratio %.2f", full.eventsPerSecond() / passThrough.eventsPerSecond()));
        int failed = full.failedDuringLoad().size();
        lines.add(p + String.format(Locale.ROOT, "checkpoint max-seconds %.1f max-bytes %d%s", c.maxDurationMillis() / 1000.0,
                c.maxCheckpointedBytes(), failed > 0 ? " failed " + failed : ""));
        lines.add(p + String.format(Locale.ROOT, "state bytes-per-key %d", Math.round(full.stateBytes() / (double) keys)));
        lines.add(p + String.format(Locale.ROOT, "model-record bytes %d", full.maxModelBytes()));
        lines.add(p + String.format(Locale.ROOT, "fits %d windows-per-fit %d max-fit-seconds %.1f", full.fits(),
                full.maxWindowsPerFit(), full.maxFitMillis() / 1000.0));
        lines.add(p + String.format(Locale.ROOT, "heap-max-bytes %d", full.heapMaxBytes()));
        return lines;
    }

    /** Comment lines ({@code #}) after the figures: what they cover, and anything that went wrong. */
    private List<String> notes(JobFigures full, JobFigures passThrough, long events) {
        List<String> notes = new ArrayList<>();
        CheckpointStats c = full.checkpoints();
        notes.add(String.format(Locale.ROOT, "# checkpoints: %d completed, %d failed during the load (pass-through job: "
                        + "%d completed, %d failed during the load, max %.1f s); %d model versions published", c.completed(),
                full.failedDuringLoad().size(), passThrough.checkpoints().completed(), passThrough.failedDuringLoad().size(),
                passThrough.checkpoints().maxDurationMillis() / 1000.0, full.models()));
        for (JobFigures f : new JobFigures[] {full, passThrough}) {
            String job = f == full ? "forecast job" : "pass-through job";
            if (f.stopped()) {
                notes.add(String.format(Locale.ROOT, "# %s stopped after %d s: %d of %d events through", job, maxSeconds,
                        f.records(), events));
            } else if (f.records() != events) {
                notes.add(String.format(Locale.ROOT, "# warning: %s: %d records at the end for %d events", job, f.records(), events));
            }
            List<Checkpoint> duringLoad = f.failedDuringLoad();
            for (Checkpoint failed : duringLoad) {
                notes.add(String.format(Locale.ROOT, "# warning: %s: checkpoint %d, triggered %.1f s into the load of %.1f s, "
                        + "failed: %s", job, failed.id(), (failed.triggerMillis() - f.firstMillis()) / 1000.0,
                        (f.endMillis() - f.firstMillis()) / 1000.0, failed.failure()));
            }
            long outside = f.checkpoints().failed() - duringLoad.size();
            if (outside > 0) {
                notes.add(String.format(Locale.ROOT, "# %s: %d more checkpoint(s) failed, not counted above: triggered before "
                        + "or after the load, as the bounded job's tasks started or finished, or declined before they began "
                        + "(Flink records no time for those)%s", job, outside,
                        f.failedCheckpoints().stream().filter(x -> !duringLoad.contains(x)).map(x -> "; " + x.failure())
                                .distinct().reduce("", String::concat)));
            }
            if (f.deadLetters() > 0) {
                notes.add(String.format(Locale.ROOT, "# warning: %s dead-lettered %d events", job, f.deadLetters()));
            }
        }
        if (c.completed() == 0) {
            notes.add("# warning: no checkpoint completed (a run shorter than the checkpoint interval): no state size");
        } else if (!full.stateDuringLoad()) {
            notes.add("# warning: no checkpoint completed during the load: bytes-per-key is from one after it, when the "
                    + "end of input may already have expired the series' state");
        }
        return notes;
    }

    /** Runs one job on a local cluster of its own: the full graph when {@code forecast}, else the pass-through. */
    JobFigures measure(boolean forecast) throws Exception {
        String run = UUID.randomUUID().toString();
        Probes probes = Probes.open(run);
        Path checkpoints = Files.createTempDirectory("flowcast-scale-");
        // Heap, checkpoints and the trainer's gauge each on a thread of its own: a slow REST answer delays no sample.
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "bench-scale-sampler");
            t.setDaemon(true);
            return t;
        });
        try {
            Configuration conf = configuration(checkpoints, run, forecast);
            MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build();
            try (MiniCluster flink = new MiniCluster(cluster)) {
                flink.start();
                StreamExecutionEnvironment env = JobEnvironment.create(parallelism, conf);
                env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
                graph(forecast, run).addTo(env);
                JobGraph job = env.getStreamGraph().getJobGraph();
                JobID id = job.getJobID();
                CheckpointPoller poller = new CheckpointPoller(flink.getRestAddress().get(), id);
                AtomicLong heapMax = new AtomicLong();
                timer.scheduleAtFixedRate(() -> heapMax.accumulateAndGet(
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max), 0, 1, TimeUnit.SECONDS);
                timer.scheduleAtFixedRate(poller::pollQuietly, 1, 1, TimeUnit.SECONDS);
                timer.scheduleAtFixedRate(probes::sampleTrainer, 0, 50, TimeUnit.MILLISECONDS);

                flink.submitJob(job).get();
                CompletableFuture<JobResult> result = flink.requestJobResult(id);
                JobResult done = null;
                if (maxSeconds > 0) {
                    try {
                        done = result.get(maxSeconds, TimeUnit.SECONDS);
                    } catch (TimeoutException stillRunning) {
                        // stopped below
                    }
                } else {
                    done = result.get();
                }
                boolean stopped = done == null;
                Flow.Totals flow;
                if (stopped) {
                    flow = Flow.total(probes.forecasts, System.currentTimeMillis());
                    poller.poll();
                    flink.cancelJob(id).get(60, TimeUnit.SECONDS);
                    result.get(120, TimeUnit.SECONDS);
                } else {
                    if (!done.isSuccess()) {
                        done.toJobExecutionResult(ScaleBenchmark.class.getClassLoader()); // throws the job's failure
                        throw new IllegalStateException("job " + id + " failed: " + done.getApplicationStatus());
                    }
                    flow = Flow.total(probes.forecasts, -1);
                    // The REST API caches checkpoint statistics briefly: let it see the final ones.
                    Thread.sleep(1_500);
                    poller.poll();
                }
                timer.shutdownNow();
                timer.awaitTermination(10, TimeUnit.SECONDS);
                probes.sampleTrainer();
                double seconds = Math.max(flow.endMillis() - flow.firstMillis(), 1) / 1000.0;
                CheckpointStats stats = poller.stats();
                Checkpoint latest = poller.latestBy(flow.endMillis());
                return new JobFigures(flow.count(), flow.count() / seconds, flow.firstMillis(), flow.endMillis(), stopped, stats,
                        latest == null ? 0 : latest.stateBytes(), latest != null && latest.triggerMillis() <= flow.endMillis(),
                        heapMax.get(), probes.fits(), probes.maxFitMillis(),
                        probes.models(), probes.maxModelBytes(), probes.maxWindowsPerFit(),
                        Flow.total(probes.deadLetters, -1).count(), poller.failures());
            }
        } finally {
            timer.shutdownNow();
            Probes.close(run);
            deleteRecursively(checkpoints);
        }
    }

    private Configuration configuration(Path checkpoints, String run, boolean forecast) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, "bench scale " + (forecast ? "forecast" : "pass-through") + " job, " + keys
                + " keys, " + backend);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        // As the cluster deployment runs RocksDB (deploy/k8s): incremental checkpoints, Bloom filters.
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend.equals("rocksdb"));
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true); // ignored by the HashMap backend
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        // A failed checkpoint is counted and printed, not a reason to fail the measured job...
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
        // ...but a failed task is: no silent restarts in the middle of a measurement.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, managedMemory);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(WebOptions.REFRESH_INTERVAL, Duration.ofSeconds(1));
        conf.set(RestOptions.CACHE_CHECKPOINT_STATISTICS_TIMEOUT, Duration.ofMillis(500));
        conf.setString("metrics.reporter." + TrainerMetricsFactory.NAME + ".factory.class",
                TrainerMetricsFactory.class.getName());
        conf.setString("metrics.reporter." + TrainerMetricsFactory.NAME + "." + TrainerMetricsFactory.RUN, run);
        return conf;
    }

    /** The measured graph: the live job's, with a generator source and probe sinks. */
    private ForecastJob graph(boolean forecast, String run) {
        DataGeneratorSource<RawKafkaRecord> source = new DataGeneratorSource<>(new HourlySeries(keys, parallelism, hours),
                HourlySeries.count(keys, parallelism, hours), TypeInformation.of(RawKafkaRecord.class));
        ForecastStage stage = forecast
                ? new ForecastPipeline(settings, List.of(ModelRecord.of(net.model(settings))))
                : new PassThroughStage(net, settings);
        ForecastJob job = new ForecastJob(source, stage, new FlowSink<>(run, false), new FlowSink<>(run, true),
                ForecastJob.Settings.defaults());
        if (forecast) {
            job.withTraining(new TrainingPipeline(training), new ModelSink(run));
        }
        return job;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The source

    /**
     * Hourly observations of {@code keys} series as the JSON values of {@code observations} records
     * (what the feeder writes), so parsing is part of the measured graph. The sequence is cut into one
     * equal part per source reader ({@link DataGeneratorSource} splits its {@code count} so), and part
     * {@code s} owns the series {@code k ≡ s (mod parts)}: it emits all of them at hour 0, then all at
     * hour 1, and so on. So every series comes from one reader, its times only increase, and every
     * reader is at about the same hour. When the parts own one series fewer than others (keys not a
     * multiple of the parts), they run a fraction of an hour further to the same length.
     *
     * <p>Values: a per-series level and amplitude, a daily cycle, lower weekends, and a little
     * deterministic noise (a hash of series and hour): a pattern a model can learn.
     */
    public static final class HourlySeries implements GeneratorFunction<Long, RawKafkaRecord> {

        private static final long serialVersionUID = 1L;
        /** 2024-01-01T00:00Z, a Monday. */
        static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        static final long HOUR = STEP.toMillis();
        static final String TOPIC = "observations";

        private final int keys;
        private final int parts;
        private final int hours;

        public HourlySeries(int keys, int parts, int hours) {
            if (parts < 1 || keys < parts || hours < 1) {
                throw new IllegalArgumentException("need keys >= parts >= 1 and hours >= 1, got " + keys + " keys, "
                        + parts + " parts, " + hours + " hours");
            }
            this.keys = keys;
            this.parts = parts;
            this.hours = hours;
        }

        /** Events the source must generate: equal parts of {@code hours} x the largest part's series. */
        public static long count(int keys, int parts, int hours) {
            return (long) parts * perPart(keys, parts, hours);
        }

        private static long perPart(int keys, int parts, int hours) {
            return (long) hours * ((keys + parts - 1) / parts);
        }

        /** Series owned by part {@code part}. */
        int keysOf(int part) {
            return (keys - part + parts - 1) / parts;
        }

        static String key(int series) {
            return "series-" + series;
        }

        @Override
        public RawKafkaRecord map(Long index) {
            long perPart = perPart(keys, parts, hours);
            int part = (int) (index / perPart);
            long local = index % perPart;
            int own = keysOf(part);
            long hour = local / own;
            int series = part + (int) (local % own) * parts;
            String key = key(series);
            byte[] json = ObservationJson.write(key, Instant.ofEpochMilli(START + hour * HOUR), value(series, hour));
            return new RawKafkaRecord(key.getBytes(StandardCharsets.UTF_8), json, TOPIC, part, local);
        }

        /**
         * Series {@code series}'s value at hour {@code hour} since {@link #START}, to two decimals: a
         * level, a daily cycle (weaker at weekends) and a 5-hour sawtooth, which neither the last value
         * nor last week's (168 is not a multiple of 5) foresees, so a trained net has something to add
         * to the baseline and is published (the model-record size is then a net's).
         */
        static double value(int series, long hour) {
            double level = 40 + series % 50;
            double amplitude = 5 + series % 7;
            int hourOfDay = (int) (hour % 24);
            boolean weekend = (hour / 24) % 7 >= 5;
            double daily = amplitude * Math.sin(2 * Math.PI * (hourOfDay - 6) / 24.0) * (weekend ? 0.5 : 1.0);
            double noise = 0.05 * amplitude * (2 * unit(series, hour) - 1);
            double sawtooth = 0.15 * amplitude * ((hour % 5) - 2);
            double v = level + daily - (weekend ? 0.2 * amplitude : 0) + sawtooth + noise;
            return Math.round(v * 100) / 100.0;
        }

        /** A deterministic number in [0, 1) from series and hour (SplitMix64's finaliser). */
        private static double unit(int series, long hour) {
            long z = series * 0x9E3779B97F4A7C15L + hour;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return (z >>> 11) * 0x1.0p-53;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The pass-through graph

    /**
     * The forecaster's place in the graph taken by {@link StatePassThroughFunction} (the same per-key
     * state, read and written per event, nothing computed), each event out as a {@link Forecast} of
     * the same horizons; no dead letters.
     */
    static final class PassThroughStage implements ForecastStage {

        private static final long serialVersionUID = 1L;
        private static final OutputTag<DeadLetter> NONE =
                new OutputTag<>("pass-through-dead-letters", TypeInformation.of(DeadLetter.class));

        private final BenchModel net;
        private final ForecastSettings settings;

        PassThroughStage(BenchModel net, ForecastSettings settings) {
            this.net = net;
            this.settings = settings;
        }

        @Override
        public Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models) {
            SingleOutputStreamOperator<Forecast> forecasts = observations
                    .keyBy(new ForecastPipeline.SeriesKey(), Types.STRING)
                    .process(new StatePassThroughFunction(net, settings, true), TypeInformation.of(Observation.class))
                    .name("pass-through").uid("pass-through")
                    .map(new AsForecast(settings.horizons()), TypeInformation.of(Forecast.class))
                    .name("as forecast").uid("as-forecast");
            return new Outputs(forecasts, forecasts.getSideOutput(NONE));
        }
    }

    /** An event as a forecast of its own value at every horizon. */
    private static final class AsForecast implements MapFunction<Observation, Forecast> {
        private static final long serialVersionUID = 1L;
        private final int horizons;

        AsForecast(int horizons) {
            this.horizons = horizons;
        }

        @Override
        public Forecast map(Observation o) {
            Forecast f = new Forecast();
            f.key = o.key;
            f.eventTime = o.timestamp;
            f.rawTimestamp = o.rawTimestamp;
            f.values = new float[horizons];
            java.util.Arrays.fill(f.values, o.values[0]);
            f.emittedAt = System.currentTimeMillis();
            return f;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Probes: sinks and a metric reporter that hand their figures to the benchmark in memory

    /** What the sinks and the reporter of one run saw; one per run id, in this JVM. */
    static final class Probes {

        private static final Map<String, Probes> RUNS = new ConcurrentHashMap<>();

        final List<Flow> forecasts = new CopyOnWriteArrayList<>();
        final List<Flow> deadLetters = new CopyOnWriteArrayList<>();
        private final List<Counter> fitCounters = new CopyOnWriteArrayList<>();
        private final List<Gauge<?>> fitMillisGauges = new CopyOnWriteArrayList<>();
        private final List<Gauge<?>> fitWindowsGauges = new CopyOnWriteArrayList<>();
        private long sampledFitMillis;
        private long sampledFitWindows;
        private long models;
        private long maxModelBytes;
        private long maxWindows;
        private long maxTrainingMillis;

        static Probes open(String run) {
            Probes p = new Probes();
            RUNS.put(run, p);
            return p;
        }

        static void close(String run) {
            RUNS.remove(run);
        }

        /** The probes of {@code run}; they exist only in the JVM the benchmark runs in. */
        static Probes of(String run) {
            Probes p = RUNS.get(run);
            if (p == null) {
                throw new IllegalStateException("no bench scale run " + run + " in this JVM: its probes only work on "
                        + "the benchmark's own local cluster");
            }
            return p;
        }

        synchronized void model(ModelRecord r) {
            models++;
            maxModelBytes = Math.max(maxModelBytes, r.payload == null ? 0 : r.payload.length);
            try {
                ServingModel.Info info = r.parse().info();
                maxWindows = Math.max(maxWindows, info.samples());
                maxTrainingMillis = Math.max(maxTrainingMillis, info.trainingMillis());
            } catch (Exception unparsable) {
                // its size still counts; the forecaster would dead-letter it
            }
        }

        /**
         * Reads the trainer's {@code lastFitMillis} and {@code lastFitWindows} gauges: their largest values
         * are the longest and the largest fit sampled (kept fits too, which publish no record).
         */
        synchronized void sampleTrainer() {
            sampledFitMillis = Math.max(sampledFitMillis, largest(fitMillisGauges));
            sampledFitWindows = Math.max(sampledFitWindows, largest(fitWindowsGauges));
        }

        private static long largest(List<Gauge<?>> gauges) {
            long max = 0;
            for (Gauge<?> g : gauges) {
                if (g.getValue() instanceof Number n) {
                    max = Math.max(max, n.longValue());
                }
            }
            return max;
        }

        long fits() {
            return fitCounters.stream().mapToLong(Counter::getCount).sum();
        }

        /** The longest fit: sampled from the gauge, or recorded in a published version's payload. */
        synchronized long maxFitMillis() {
            return Math.max(sampledFitMillis, maxTrainingMillis);
        }

        synchronized long models() {
            return models;
        }

        synchronized long maxModelBytes() {
            return maxModelBytes;
        }

        /** The most windows one fit trained on: sampled from the gauge, or in a published version's payload. */
        synchronized long maxWindowsPerFit() {
            return Math.max(maxWindows, sampledFitWindows);
        }
    }

    /** Records through one sink writer: count, and the wall clock at the first and at the end of input. */
    static final class Flow {
        private long n;
        private volatile long published;
        private volatile long first = -1;
        private volatile long end = -1;

        void record() {
            if (n++ == 0) {
                first = System.currentTimeMillis();
            }
            if ((n & 255) == 0) {
                published = n;
            }
        }

        void publish() {
            published = n;
        }

        void endOfInput() {
            published = n;
            if (n > 0) {
                end = System.currentTimeMillis();
            }
        }

        /**
         * All writers together: the count, the first record's time, and the end: the last writer's end
         * of input, or {@code stopMillis} when given (positive).
         */
        static Totals total(List<Flow> flows, long stopMillis) {
            long count = 0;
            long first = Long.MAX_VALUE;
            long end = stopMillis;
            for (Flow f : flows) {
                count += f.published;
                if (f.first >= 0) {
                    first = Math.min(first, f.first);
                }
                if (stopMillis <= 0) {
                    end = Math.max(end, f.end);
                }
            }
            return new Totals(count, first == Long.MAX_VALUE ? 0 : first, Math.max(end, 0));
        }

        record Totals(long count, long firstMillis, long endMillis) {
        }
    }

    /** A discarding sink that counts what reaches it ({@link Flow}): forecasts, or dead letters. */
    static final class FlowSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private final boolean deadLetters;

        FlowSink(String run, boolean deadLetters) {
            this.run = run;
            this.deadLetters = deadLetters;
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Flow flow = new Flow();
            Probes p = Probes.of(run);
            (deadLetters ? p.deadLetters : p.forecasts).add(flow);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    flow.record();
                }

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        flow.endOfInput();
                    } else {
                        flow.publish();
                    }
                }

                @Override
                public void close() {
                    flow.publish();
                }
            };
        }
    }

    /** The models sink: each published version's payload size and {@link ServingModel.Info}, then discarded. */
    static final class ModelSink implements Sink<ModelRecord> {
        private static final long serialVersionUID = 1L;
        private final String run;

        ModelSink(String run) {
            this.run = run;
        }

        @Override
        public SinkWriter<ModelRecord> createWriter(WriterInitContext context) {
            Probes p = Probes.of(run);
            return new SinkWriter<>() {
                @Override
                public void write(ModelRecord r, Context ctx) {
                    p.model(r);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /**
     * A metric reporter for the benchmark's local cluster (configured by {@link #configuration}; found
     * by {@link java.util.ServiceLoader} as Flink finds reporters): it keeps the trainer's {@code fits}
     * counters and {@code lastFitMillis} and {@code lastFitWindows} gauges, so the benchmark reads them
     * while the job runs and after its tasks have finished.
     */
    public static final class TrainerMetricsFactory implements MetricReporterFactory {
        static final String NAME = "flowcast-bench-scale";
        static final String RUN = "run";
        static final String FITS = "fits";
        static final String LAST_FIT_MILLIS = "lastFitMillis";
        static final String LAST_FIT_WINDOWS = "lastFitWindows";

        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new TrainerMetrics(properties.getProperty(RUN));
        }
    }

    private static final class TrainerMetrics implements MetricReporter {
        private final String run;

        TrainerMetrics(String run) {
            this.run = run;
        }

        @Override
        public void open(MetricConfig config) {
        }

        @Override
        public void close() {
        }

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            Probes p = run == null ? null : Probes.RUNS.get(run);
            if (p == null) {
                return;
            }
            if (name.equals(TrainerMetricsFactory.FITS) && metric instanceof Counter c) {
                p.fitCounters.add(c);
            } else if (name.equals(TrainerMetricsFactory.LAST_FIT_MILLIS) && metric instanceof Gauge<?> g) {
                p.fitMillisGauges.add(g);
            } else if (name.equals(TrainerMetricsFactory.LAST_FIT_WINDOWS) && metric instanceof Gauge<?> g) {
                p.fitWindowsGauges.add(g);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept: the final counts are read after the tasks finished
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Checkpoint statistics from the REST API

    /**
     * One answer of {@code GET /jobs/<id>/checkpoints}: counts, the maxima of the summary (over every
     * completed checkpoint) and the recent history.
     */
    record CheckpointStats(long completed, long failed, long inProgress, long maxDurationMillis,
                           long maxCheckpointedBytes, long maxStateBytes, List<Checkpoint> history) {

        static final CheckpointStats NONE = new CheckpointStats(0, 0, 0, 0, 0, 0, List.of());

        static CheckpointStats parse(JsonNode root) {
            JsonNode counts = root.path("counts");
            JsonNode summary = root.path("summary");
            List<Checkpoint> history = new ArrayList<>();
            for (JsonNode h : root.path("history")) {
                history.add(new Checkpoint(h.path("id").asLong(), h.path("status").asText(),
                        h.path("trigger_timestamp").asLong(), h.path("state_size").asLong(),
                        h.path("checkpointed_size").asLong(), h.path("end_to_end_duration").asLong(),
                        h.path("failure_message").asText(null)));
            }
            JsonNode latest = root.path("latest").path("completed");
            if (latest.isObject()) {
                history.add(new Checkpoint(latest.path("id").asLong(), "COMPLETED", latest.path("trigger_timestamp").asLong(),
                        latest.path("state_size").asLong(), latest.path("checkpointed_size").asLong(),
                        latest.path("end_to_end_duration").asLong(), null));
            }
            return new CheckpointStats(counts.path("completed").asLong(), counts.path("failed").asLong(),
                    counts.path("in_progress").asLong(), summary.path("end_to_end_duration").path("max").asLong(),
                    summary.path("checkpointed_size").path("max").asLong(), summary.path("state_size").path("max").asLong(),
                    history);
        }
    }

    /** One checkpoint of the history; {@code failure}: a failed one's message, else null. */
    record Checkpoint(long id, String status, long triggerMillis, long stateBytes, long checkpointedBytes,
                      long durationMillis, String failure) {

        boolean completed() {
            return status.equals("COMPLETED");
        }

        boolean failed() {
            return status.equals("FAILED");
        }
    }

    /** Polls a job's checkpoint statistics; keeps the last answer and every completed checkpoint seen. */
    static final class CheckpointPoller {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI uri;
        private volatile CheckpointStats last = CheckpointStats.NONE;
        private final TreeMap<Long, Checkpoint> completed = new TreeMap<>();
        private final TreeMap<Long, Checkpoint> failed = new TreeMap<>();

        CheckpointPoller(URI rest, JobID job) {
            this.uri = rest.resolve("/jobs/" + job + "/checkpoints");
        }

        void poll() throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return; // not yet known, or no checkpoint yet
            }
            CheckpointStats s = CheckpointStats.parse(JSON.readTree(r.body()));
            synchronized (this) {
                for (Checkpoint c : s.history()) {
                    if (c.completed()) {
                        completed.put(c.id(), c);
                    } else if (c.failed()) {
                        failed.put(c.id(), c);
                    }
                }
                if (s.completed() + s.failed() >= last.completed() + last.failed()) {
                    last = s;
                }
            }
        }

        void pollQuietly() {
            try {
                poll();
            } catch (IOException e) {
                // the next poll tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        CheckpointStats stats() {
            return last;
        }

        /**
         * The latest completed checkpoint triggered by {@code endMillis} (the load's end); if none was,
         * the latest completed one; null without any. After the load, a bounded job's state is not the
         * running job's: at the end of input the final watermark fires every timer, and idle series expire.
         */
        synchronized Checkpoint latestBy(long endMillis) {
            Checkpoint by = null;
            for (Checkpoint c : completed.values()) {
                if (c.triggerMillis() <= endMillis) {
                    by = c;
                }
            }
            return by != null || completed.isEmpty() ? by : completed.lastEntry().getValue();
        }

        /** The failed checkpoints seen in the history (the REST API keeps the last few). */
        synchronized List<Checkpoint> failures() {
            return List.copyOf(failed.values());
        }
    }
}
