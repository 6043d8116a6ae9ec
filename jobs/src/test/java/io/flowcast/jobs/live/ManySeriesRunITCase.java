package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.cli.Main;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.EmbeddedKafka;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.ReadCommitted;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code run} at the scale that used to break it: a few thousand series, with everything as {@code run}
 * sets it up by default (checkpoint interval, checkpoints to a temporary folder, parallelism, training
 * with the default recipe), on the in-process Kafka broker, fed by our own producer instead of the
 * feeder. Before checkpoints went to a folder, every checkpoint past some dozens of series was refused
 * by JobManager memory, the job restarted over and over and nothing was ever committed.
 *
 * <p>3,000 hourly series (all keys at t, then at t + 1h) for {@value #HOURS} hours: the default recipe
 * cuts its first windows once a series holds window 24 + season 168 + horizon 5 steps, samples about
 * 500 windows per hour over all series, and fits first at 1,000 windows, so a first version is
 * published near hour 198. The last hour is produced only once a version is committed on
 * {@code models}, so {@code run --limit} cannot finish before the trainer has published.
 *
 * <p>At hour {@value #PAUSE_AT_HOUR} the input pauses for longer than the idleness timeout (10 s), as
 * a live source does: the observations go idle, which must not move event time. (While the models side
 * sent watermarks at the end of time, the forecaster's watermark became that one whenever the
 * observations went idle: every series' expiry timer fired and all series lost their state at once,
 * as the forecaster's {@code keysExpired} showed here.)
 *
 * <p>Checks, from the Flink REST API of the run's web UI: every checkpoint that started completed, none
 * failed once the first had completed (an attempt before then can be given up before it starts, while
 * the tasks are still being deployed: Flink counts it as failed), none was restored, the job had no
 * failure, the forecaster holds every series and none expired. Then, read_committed: a version on
 * {@code models}; exactly one forecast per event (per key and event time: none lost, none duplicated);
 * no dead letter.
 */
class ManySeriesRunITCase {

    private static final int SERIES = 3_000;
    private static final int HOURS = 205;
    /** The input pauses after this many hours, until their forecasts are committed and then {@link #PAUSE}. */
    private static final int PAUSE_AT_HOUR = 100;
    /** Longer than the idleness timeout of {@code run} (10 s) and its check. */
    private static final Duration PAUSE = Duration.ofSeconds(15);
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final TopicNames TOPICS = TopicNames.defaults();
    private static final Pattern WEB_UI = Pattern.compile("Flink web UI  (http://\\S+?)/?\\n");
    private static final Pattern JOB_ID = Pattern.compile("  job           ([0-9a-f]{32}),");
    private static final Pattern SUMMARY_FORECASTS = Pattern.compile("(?m)^\\[\\s*\\d+s\\] job \\S+ \\| forecasts ([\\d,]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 300)
    void thousandsOfSeriesWithRunsDefaultsCheckpointCommitEveryForecastOnceAndPublishAModel() throws Exception {
        long started = System.nanoTime();
        long events = (long) SERIES * HOURS;
        Output out = new Output();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            // `run` as a user types it, with only the feeder swapped for our producer: its defaults
            // decide the checkpoint interval and storage, the parallelism, the topics and the recipe.
            AtomicInteger exitCode = new AtomicInteger(Integer.MIN_VALUE);
            Thread run = new Thread(() -> exitCode.set(Main.commandLine()
                    .setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(out, true))
                    .execute("run", "--no-feed", "--bootstrap-servers", bootstrap, "--limit", String.valueOf(events))),
                    "flowcast-run");
            run.setDaemon(true); // a run stuck after a failed assertion must not keep the test JVM alive
            run.start();

            String webUi = await(() -> out.find(WEB_UI), Duration.ofSeconds(60), "the web UI address", out);
            String jobId = await(() -> out.find(JOB_ID), Duration.ofSeconds(30), "the job id", out);
            assertThat(out.text()).as(out.text())
                    .contains("checkpoint every 5 s")
                    .contains("(a temporary folder, deleted on exit)")
                    .contains("publishing to models");
            JobWatch watch = new JobWatch(webUi, jobId);
            watch.start();

            // Scoring (on by default) writes H error records per event besides the forecast, which slows a loaded machine.
            long deadline = started + Duration.ofSeconds(240).toNanos();
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
                    ModelWatch models = new ModelWatch(bootstrap)) {
                produce(producer, 0, PAUSE_AT_HOUR);
                awaitCommitted(out, (long) SERIES * PAUSE_AT_HOUR, deadline, watch);
                double paused = (System.nanoTime() - started) / 1e9;
                Thread.sleep(PAUSE.toMillis()); // the observations go idle
                produce(producer, PAUSE_AT_HOUR, HOURS - 1);
                ServingModel first = models.await(Duration.ofNanos(deadline - System.nanoTime()), watch, out);
                assertThat(first).as("no model committed on %s; %s%n%s", TOPICS.models(), watch.last(), out.text())
                        .isNotNull();
                System.out.printf(Locale.ROOT, "ManySeriesRunITCase: %,d events committed at %.1f s, then the input paused "
                                + "%d s; model v%d committed (trained up to %s on %,d windows) %.1f s after the start%n",
                        (long) SERIES * PAUSE_AT_HOUR, paused, PAUSE.toSeconds(), first.version(),
                        Instant.ofEpochMilli(first.info().trainedUpTo()), first.info().samples(),
                        (System.nanoTime() - started) / 1e9);
                produce(producer, HOURS - 1, HOURS);
            }

            run.join(Duration.ofSeconds(90).toMillis());
            watch.stop();
            assertThat(run.isAlive()).as("run still going:%n%s", out.text()).isFalse();
            assertThat(exitCode.get()).as(out.text()).isZero();
            assertThat(out.text()).contains(String.format(Locale.ROOT, "done: %,d forecasts and 0 dead letters committed",
                    events));

            // JobFigures, as the job's web UI reported them while it ran: every checkpoint that started
            // (ids 1..n) completed, none failed once the first had completed, the job never restarted.
            JobFigures cp = watch.last();
            assertThat(cp).as("no figures read from %s: %s", webUi, watch.error()).isNotNull();
            assertThat(cp.failures()).as("checkpoints that failed").isEmpty();
            assertThat(cp.failed()).as("failed checkpoints after the first completed one").isEqualTo(cp.failedAtStart());
            assertThat(cp.restored()).as("checkpoints restored (the job restarted)").isZero();
            assertThat(cp.jobFailures()).as("job failures").isEmpty();
            assertThat(cp.completed()).as("completed checkpoints").isGreaterThanOrEqualTo(3);
            assertThat(cp.keysExpired()).as("series that lost their state (expired) in the forecaster").isZero();
            assertThat(cp.keys()).as("series the forecaster holds").isEqualTo(SERIES);
            long lastId = cp.byId().lastKey();
            for (long id = 1; id <= lastId; id++) {
                assertThat(cp.byId().get(id)).as("checkpoint %d of %s", id, cp.byId())
                        .isIn("COMPLETED", id == lastId ? "IN_PROGRESS" : "COMPLETED");
            }

            // Everything committed, as a read_committed consumer reads it.
            List<ConsumerRecord<byte[], byte[]>> models = ReadCommitted.readAll(bootstrap, TOPICS.models(), Duration.ofSeconds(30));
            List<String> versions = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : models) {
                ServingModel m = ServingModelFormat.fromBytes(r.value());
                versions.add("v" + m.version() + (m.net() == null ? " (baseline alone)" : " (net)"));
            }
            assertThat(models).as("model versions committed on %s", TOPICS.models()).isNotEmpty();

            List<ConsumerRecord<byte[], byte[]>> deadLetters =
                    ReadCommitted.readAll(bootstrap, TOPICS.deadLetters(), Duration.ofSeconds(30));
            assertThat(deadLetters).as("dead letters").isEmpty();

            List<ConsumerRecord<byte[], byte[]>> forecasts =
                    ReadCommitted.readAll(bootstrap, TOPICS.forecasts(), Duration.ofSeconds(60));
            // count[key][hour]: exactly one forecast per event, none lost, none duplicated.
            int[][] count = new int[SERIES][HOURS];
            List<String> strays = new ArrayList<>();
            TreeMap<Long, Long> byVersion = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : forecasts) {
                Forecast f = ForecastJson.read(r.value());
                int key = f.key.startsWith("s") ? Integer.parseInt(f.key.substring(1)) : -1;
                long hour = (f.eventTime - T0) / HOUR;
                if (key < 0 || key >= SERIES || (f.eventTime - T0) % HOUR != 0 || hour < 0 || hour >= HOURS) {
                    strays.add(f.key + "@" + f.eventTime);
                    continue;
                }
                count[key][(int) hour]++;
                byVersion.merge(f.modelVersion, 1L, Long::sum);
            }
            assertThat(strays).as("forecasts for events never sent").isEmpty();
            List<String> wrong = new ArrayList<>();
            for (int k = 0; k < SERIES; k++) {
                for (int h = 0; h < HOURS; h++) {
                    if (count[k][h] != 1 && wrong.size() < 20) {
                        wrong.add(key(k) + "@h" + h + ": " + count[k][h]);
                    }
                }
            }
            assertThat(wrong).as("events without exactly one forecast (first 20)").isEmpty();
            assertThat(forecasts).hasSize((int) events);

            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "ManySeriesRunITCase: %,d series x %d hours = %,d events; %,d forecasts "
                            + "committed (by model version %s), %d dead letters; %d model version(s) committed %s; "
                            + "checkpoints %d completed (ids 1..%d), %d failed (%d before the first completed one, "
                            + "none started), %d restored, latest %,d bytes of state in %d ms; forecaster holds %d series, "
                            + "%d expired; %.1f s%n", SERIES, HOURS, events, forecasts.size(), byVersion,
                    deadLetters.size(), models.size(), versions, cp.completed(), lastId, cp.failed(), cp.failedAtStart(),
                    cp.restored(), cp.latestStateSize(), cp.latestDurationMillis(), cp.keys(), cp.keysExpired(), seconds);
            System.out.print(out.lastBlock());
        }
    }

    private static String key(int k) {
        return String.format(Locale.ROOT, "s%04d", k);
    }

    /** A daily cycle, a level per series and a little deterministic noise. */
    static double value(int k, int hour) {
        double level = 50 + 5 * (k % 40);
        double daily = 10 * Math.sin(2 * Math.PI * (hour % 24) / 24.0 + k % 7);
        long x = (k * 0x9E3779B97F4A7C15L + hour) * 0xBF58476D1CE4E5B9L;
        x ^= x >>> 31;
        double noise = ((x >>> 11) * 0x1.0p-53) - 0.5;
        return level + daily + noise;
    }

    /** Every key at each hour from {@code fromHour} until {@code toHour} (exclusive), in time order. */
    private static void produce(KafkaProducer<byte[], byte[]> producer, int fromHour, int toHour) {
        for (int h = fromHour; h < toHour; h++) {
            long ts = T0 + h * HOUR;
            for (int k = 0; k < SERIES; k++) {
                String key = key(k);
                String json = String.format(Locale.ROOT, "{\"key\":\"%s\",\"ts\":%d,\"value\":%.3f}", key, ts, value(k, h));
                // Keyed by series: one partition per series keeps its events in order.
                producer.send(new ProducerRecord<>(TOPICS.observations(), key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
        }
        producer.flush();
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The {@code models} topic as a read_committed consumer sees it, from the beginning. */
    private static final class ModelWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;

        ModelWatch(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition p = new TopicPartition(TOPICS.models(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
        }

        /** The first committed model version within {@code timeout}, or null; see {@link JobWatch#failFast}. */
        ServingModel await(Duration timeout, JobWatch watch, Output out) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            do {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    return ServingModelFormat.fromBytes(r.value());
                }
                watch.failFast(out);
            } while (System.nanoTime() < deadline);
            return null;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Waits until {@code run}'s summary counts {@code n} committed forecasts. */
    private static void awaitCommitted(Output out, long n, long deadline, JobWatch watch) throws InterruptedException {
        while (out.committedForecasts() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + n + " forecasts committed in time; " + watch.last() + "\n"
                        + out.text());
            }
            watch.failFast(out);
            Thread.sleep(200);
        }
    }

    private static <T> T await(Supplier<T> what, Duration timeout, String description, Output out)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T t = what.get();
            if (t != null) {
                return t;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + description + " printed by run within " + timeout + ":\n" + out.text());
    }

    /** What {@code run} prints, readable while it runs. */
    private static final class Output extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            text.append(buf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized String text() {
            return text.toString();
        }

        String find(Pattern p) {
            Matcher m = p.matcher(text());
            return m.find() ? m.group(1) : null;
        }

        /** The committed forecasts of the latest summary line; 0 before the first. */
        long committedForecasts() {
            Matcher m = SUMMARY_FORECASTS.matcher(text());
            long n = 0;
            while (m.find()) {
                n = Long.parseLong(m.group(1).replace(",", ""));
            }
            return n;
        }

        /** The last summary block: from the last "[  NNs]" line on. */
        String lastBlock() {
            String t = text();
            Matcher m = Pattern.compile("(?m)^\\[\\s*\\d+s\\] ").matcher(t);
            int last = -1;
            while (m.find()) {
                last = m.start();
            }
            return last < 0 ? t : t.substring(last);
        }
    }

    /**
     * The job's checkpoints, failures and the forecaster's series as its web UI's REST API reported them.
     *
     * @param byId status of every checkpoint that started (it has an id), by id, as last seen
     * @param failures failure message of every started checkpoint that failed, by id
     * @param failedAtStart failed before the first completed checkpoint: when only these fail, they
     *     are attempts that the coordinator gives up before they start (no id), while the tasks are
     *     still being deployed ("Not all required tasks are currently running")
     * @param keys the forecaster's {@code keys} (series held), over its subtasks; -1 if not read
     * @param keysExpired the forecaster's {@code keysExpired}, over its subtasks; -1 if not read
     */
    private record JobFigures(long completed, long failed, long restored, long failedAtStart,
                               TreeMap<Long, String> byId, TreeMap<Long, String> failures, long latestStateSize,
                               long latestDurationMillis, List<String> jobFailures, long keys, long keysExpired) {
    }

    /**
     * Polls {@code /jobs/:id/checkpoints}, {@code /jobs/:id/exceptions} and the forecaster's metrics
     * every 300 ms while the job runs (the run stops the cluster as it ends, so the figures are read as
     * it goes). A response's history holds the latest 10 checkpoints: read this often, it sees every
     * one. (The web UI refreshes metrics every 10 s or so, so they may lag a little.)
     */
    private static final class JobWatch {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final String base;
        private final TreeMap<Long, String> byId = new TreeMap<>();
        private final TreeMap<Long, String> failures = new TreeMap<>();
        private long failedAtStart;
        /** The forecaster's vertex metrics path, once found. */
        private String forecaster;
        private final AtomicReference<JobFigures> last = new AtomicReference<>();
        private final AtomicReference<String> error = new AtomicReference<>();
        private volatile boolean stopped;
        private final Thread thread;

        JobWatch(String webUi, String jobId) {
            this.base = webUi + "/jobs/" + jobId;
            this.thread = new Thread(this::loop, "job-watch");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(5_000);
        }

        JobFigures last() {
            return last.get();
        }

        /**
         * Fails at once when a checkpoint failed, the job failed or a series expired: nothing would be
         * committed any more, or the series would start over and no model would come in time.
         */
        void failFast(Output out) {
            JobFigures cp = last();
            if (cp != null && (!cp.failures().isEmpty() || cp.failed() > cp.failedAtStart() || !cp.jobFailures().isEmpty()
                    || cp.keysExpired() > 0)) {
                throw new AssertionError("the job is failing: " + cp + "\n" + out.text());
            }
        }

        /** The last read's error, if it failed. */
        String error() {
            return error.get();
        }

        private void loop() {
            while (!stopped) {
                try {
                    read();
                    error.set(null);
                } catch (Exception e) {
                    error.set(e.toString()); // also when the cluster goes away as the run ends
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void read() throws Exception {
            JsonNode cp = get("/checkpoints");
            List<String> jobFailures = new ArrayList<>();
            get("/exceptions").path("exceptionHistory").path("entries").forEach(e -> jobFailures.add(
                    e.path("exceptionName").asText() + ": " + e.path("stacktrace").asText().lines().findFirst().orElse("")));
            // Only what was read while the job ran: once the run cancels it, the checkpoint in flight is
            // aborted, which is no failure. (The job leaves RUNNING before its checkpoints are aborted.)
            if (!get("").path("state").asText().equals("RUNNING")) {
                return;
            }
            JsonNode counts = cp.path("counts");
            for (JsonNode c : cp.path("history")) {
                long id = c.path("id").asLong();
                byId.put(id, c.path("status").asText());
                if (c.hasNonNull("failure_message")) {
                    failures.put(id, c.path("failure_message").asText());
                }
            }
            long completed = counts.path("completed").asLong();
            long failed = counts.path("failed").asLong();
            if (completed == 0) {
                failedAtStart = failed;
            }
            JsonNode latest = cp.path("latest").path("completed");
            last.set(new JobFigures(completed, failed, counts.path("restored").asLong(), failedAtStart,
                    new TreeMap<>(byId), new TreeMap<>(failures), latest.path("state_size").asLong(),
                    latest.path("end_to_end_duration").asLong(), jobFailures, forecasterMetric("keys"),
                    forecasterMetric("keysExpired")));
        }

        /** A metric of the forecaster operator summed over its subtasks; -1 until it is registered. */
        private long forecasterMetric(String name) throws Exception {
            if (forecaster == null) {
                for (JsonNode v : get("").path("vertices")) {
                    if (v.path("name").asText().startsWith("forecast ")) {
                        forecaster = "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
                    }
                }
            }
            if (forecaster == null) {
                return -1;
            }
            for (JsonNode m : get(forecaster)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + name) && id.contains("forecast")) {
                    JsonNode value = get(forecaster + "?agg=sum&get="
                            + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
                    return value.isArray() && value.size() > 0 ? (long) value.get(0).path("sum").asDouble() : -1;
                }
            }
            return -1;
        }

        private JsonNode get(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + base + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body());
        }
    }
}
