package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} as a user runs it, with training, scraped over HTTP while it runs as Prometheus would:
 * the endpoint it prints answers with flowcast's own metrics (the forecaster's and the trainer's),
 * with values that match what the run is doing.
 */
class PrometheusEndpointTest {

    private static final String DATA = Path.of(System.getProperty("flowcast.shared", "../../shared"), "data").toString();
    private static final Pattern ENDPOINT = Pattern.compile("  Prometheus +(http://127\\.0\\.0\\.1:(\\d+)/metrics)");
    /** One sample of the text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final long EVENTS = 12_000;

    @TempDir
    Path temp;

    private record Sample(String name, String labels, double value) {
    }

    @Test
    @Timeout(150)
    void theEndpointRunPrintsServesFlowcastsMetricsWhileTheJobRuns() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Fed slowly enough that the job is still running while it is scraped; the first model after
        // 200 windows so that the trainer has fitted by then.
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("run", "--limit", Long.toString(EVENTS), "--speed", "800", "--checkpoint-interval", "1s",
                        "--summary-interval", "5s", "--data", DATA, "--train", "min=200", "--metrics-port", "0"));

        Matcher endpoint = awaitEndpoint(out, run);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(endpoint.group(1));

        List<Sample> first = scrapeUntil(http, uri, run, s -> sum(s, "forecastsOut") > 0);
        // One scrape reads the gauges one after another: a fit that ends during it can show in its
        // counters and not yet in its loss, so the loss is part of what the scrape waits for.
        List<Sample> trained = scrapeUntil(http, uri, run, s -> sum(s, "fits") >= 1 && sum(s, "modelsPublished") >= 1
                && sum(s, "errorsScored") > 0
                && samples(s, "lastValidationLoss").stream().anyMatch(l -> Double.isFinite(l.value())));

        // The forecaster's counters, one sample per subtask, labelled as Flink labels operator metrics.
        assertThat(samples(trained, "forecastsOut")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).contains("job_name=\"flowcast_live_forecasts\"")
                        .contains("operator_name=\"forecast\"").contains("subtask_index="));
        // The run is live: the count grows between scrapes, and stays within what was fed.
        assertThat(sum(trained, "forecastsOut")).isGreaterThan(sum(first, "forecastsOut")).isLessThanOrEqualTo(EVENTS);
        // Step latency is a summary with quantiles, in nanoseconds: positive, below a second.
        assertThat(samples(trained, "stepLatencyNanos")).filteredOn(s -> s.labels().contains("quantile=\"0.5\""))
                .isNotEmpty().allSatisfy(s -> assertThat(s.value()).isStrictlyBetween(0.0, 1e9));
        // The trainer fitted and published; the subtask that fitted reports its validation loss.
        assertThat(samples(trained, "lastValidationLoss")).extracting(Sample::value)
                .anySatisfy(loss -> assertThat(loss).isPositive().isFinite());
        assertThat(samples(trained, "lastFitMillis")).extracting(Sample::value)
                .anySatisfy(millis -> assertThat(millis).isPositive());
        // The version serving each model name: a key/value group, so a label and a part of the name.
        assertThat(samples(trained, "model_servingVersion")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).contains("model=\"flowcast\""));

        // The scorer's rolling figures per model and horizon, labelled by both.
        assertThat(samples(trained, "model_horizon_rollingMae")).extracting(Sample::labels)
                .anySatisfy(l -> assertThat(l).contains("model=\"flowcast\"").contains("horizon=\"1\""))
                .anySatisfy(l -> assertThat(l).contains("horizon=\"2\""));
        assertThat(samples(trained, "model_horizon_rollingMae")).filteredOn(s -> s.labels().contains("horizon=\"1\""))
                .extracting(Sample::value).anySatisfy(mae -> assertThat(mae).isPositive().isFinite());

        // Every metric the Grafana dashboard in deploy/ queries is one this run exports.
        Set<String> exported = trained.stream().map(Sample::name).collect(Collectors.toSet());
        Set<String> queried = GrafanaDashboard.metricNames(GrafanaDashboard.FILE);
        assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThan(15);
        assertThat(queried).as("queried by deploy/grafana but not exported").allMatch(exported::contains);

        assertThat(run.get(120, TimeUnit.SECONDS)).as(out + err.toString()).isZero();
        assertThat(out.toString()).contains("done: 12,000 events fed, 12,000 forecasts");
        // The run freed the reporter's port when it stopped.
        assertThat(LiveRun.awaitPortReleased(PrometheusEndpoint.EVERY_INTERFACE, Integer.parseInt(endpoint.group(2)),
                Duration.ofSeconds(1))).isTrue();
    }

    /** The reporter in the local cluster's configuration, read typed; a {@code -D} setting wins as every one does. */
    @Test
    void theLocalClusterConfigurationCarriesFlinksReporterAndTheUsersSettingsWin() throws Exception {
        RunCheckpoints checkpoints = RunCheckpoints.choose(null, Map.of(), temp);
        Configuration conf = LiveRun.localClusterConfiguration(Map.of(), checkpoints, null, "127.0.0.1", 0,
                PrometheusEndpoint.choose(19249));
        Configuration reporter = MetricOptions.forReporter(conf, PrometheusEndpoint.REPORTER_NAME);
        assertThat(reporter.get(MetricOptions.REPORTER_FACTORY_CLASS)).isEqualTo(PrometheusReporterFactory.class.getName());
        assertThat(reporter.get(PrometheusEndpoint.PORT)).isEqualTo("19249");

        Configuration mine = LiveRun.localClusterConfiguration(Map.of("metrics.reporter.prom.port", "9300-9310"),
                checkpoints, null, "127.0.0.1", 0, PrometheusEndpoint.choose(19249));
        assertThat(MetricOptions.forReporter(mine, "prom").get(PrometheusEndpoint.PORT)).isEqualTo("9300-9310");
        assertThat(MetricOptions.forReporter(LiveRun.localClusterConfiguration(Map.of(), checkpoints, null,
                "127.0.0.1", 0, null), "prom").getOptional(MetricOptions.REPORTER_FACTORY_CLASS)).isEmpty();
    }

    private static Matcher awaitEndpoint(StringWriter out, CompletableFuture<Integer> run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = ENDPOINT.matcher(out.toString());
            if (m.find()) {
                return m;
            }
            assertThat(run).as(out.toString()).isNotDone();
            Thread.sleep(100);
        }
        throw new AssertionError("no Prometheus endpoint printed: " + out);
    }

    /** Scrapes every half second until {@code done} holds for the scraped samples, while the run runs. */
    private static List<Sample> scrapeUntil(HttpClient http, URI uri, CompletableFuture<Integer> run,
            Predicate<List<Sample>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        List<Sample> samples = List.of();
        while (System.nanoTime() < deadline && !run.isDone()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            samples = parse(response.body());
            if (done.test(samples)) {
                // Kept for a look at the real text (docs/running.md quotes it).
                Files.writeString(Path.of("target", "prometheus-scrape.txt"), response.body());
                return samples;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("condition not met while the run ran; last scrape: " + samples.size() + " samples");
    }

    private static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            samples.add(new Sample(m.group(1), m.group(2) == null ? "" : m.group(2), value(m.group(3))));
        }
        return samples;
    }

    /** Go's and Prometheus' spelling of infinity is not Java's. */
    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The samples of one operator metric, by the name flowcast registers it under. */
    private static List<Sample> samples(List<Sample> samples, String metric) {
        return samples.stream().filter(s -> s.name().equals(OPERATOR + metric)).toList();
    }

    private static double sum(List<Sample> samples, String metric) {
        return samples(samples, metric).stream().mapToDouble(Sample::value).sum();
    }
}
