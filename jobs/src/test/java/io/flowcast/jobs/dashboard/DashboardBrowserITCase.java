package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.cli.Main;
import io.flowcast.jobs.json.ObservationJson;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.ReadCommitted;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The dashboard of a live job in a real browser (Debian's chromium, headless): {@code run} on the
 * in-process Kafka, with its dashboard, forecasting and scoring observations this test feeds (one
 * series with a spike, one with a hostile key). The page draws as many points as were fed for a
 * series, the anomaly band of the scorer, the spike as an anomaly marker (as many markers as the
 * scorer flagged); switching series switches the data; the hostile key is text; an observation fed
 * after the page loaded is drawn without a reload; a screenshot goes to target/dashboard.png.
 */
class DashboardBrowserITCase {

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static final Pattern DASHBOARD = Pattern.compile("  Dashboard +(http://127\\.0\\.0\\.1:\\d+/)");
    private static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    private static final String SPIKY = "Wanliu";
    private static final String QUIET = "Dongsi";
    private static final int SPIKY_EVENTS = 90;
    private static final int SPIKE_AT = 70;
    private static final int QUIET_EVENTS = 30;
    private static final int XSS_EVENTS = 12;
    /** Everything fed: the series above, one more event of the quiet one, and the one that ends the run. */
    private static final int FED = SPIKY_EVENTS + QUIET_EVENTS + XSS_EVENTS + 1 + 1;

    @Test
    @Timeout(150)
    void theDashboardOfALiveRunDrawsWhatTheJobCommittedAndUpdatesLive() throws Exception {
        KAFKA.createTopics(TopicNames.defaults(), 2);
        try (KafkaProducer<byte[], byte[]> feed = producer()) {
            for (int i = 0; i < SPIKY_EVENTS; i++) {
                send(feed, SPIKY, i, wave(i, 1) + (i == SPIKE_AT ? 80 : 0));
            }
            for (int i = 0; i < QUIET_EVENTS; i++) {
                send(feed, QUIET, i, wave(i, 2));
            }
            for (int i = 0; i < XSS_EVENTS; i++) {
                send(feed, XSS, i, wave(i, 3));
            }
            feed.flush();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            // --limit: the run ends once every fed event's forecast is committed, the last one fed at the end.
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.commandLine()
                    .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("run", "--bootstrap-servers", KAFKA.bootstrapServers(), "--no-feed", "--no-train",
                            "--limit", Integer.toString(FED), "--checkpoint-interval", "1s", "--summary-interval", "5s",
                            "--dashboard-port", "0", "--horizon", "3"));
            String url = awaitUrl(out, err, run);

            try (BrowserSession session = BrowserSession.start()) {
                var browser = session.browser();
                browser.get(url);
                assertThat(browser.getTitle()).isEqualTo("flowcast dashboard");
                // The local cluster starts, and the job commits its first forecasts at a checkpoint.
                session.awaitTextStarting("overview-figures", "3 series held", Duration.ofSeconds(90));

                // Every fed event of the spiky series is drawn (fewer than --points), with the scorer's
                // anomaly band and the spike marked: as many markers as the scorer flagged.
                session.choose(SPIKY, SPIKY);
                Map<String, Object> spiky = awaitScored(session, SPIKY, SPIKY_EVENTS);
                List<Long> flagged = flaggedTimes(SPIKY);
                assertThat(flagged).contains(T0.plusSeconds(3600L * SPIKE_AT).toEpochMilli());
                assertThat(spiky).containsEntry("observed", (long) SPIKY_EVENTS)
                        .containsEntry("anomalies", (long) flagged.size())
                        .containsEntry("forecasts", SPIKY_EVENTS - 1L);
                // No quantile outputs without a trained model: the band drawn is the scorer's anomaly band.
                assertThat((Long) spiky.get("band")).as("the anomaly band drawn").isPositive();
                assertThat(spiky).containsEntry("bandSource", "anomaly").containsEntry("fanBand", 0L);
                assertThat(browser.findElements(By.cssSelector("#errors tbody tr"))).hasSize(3);

                // Switching series switches the data.
                session.choose(QUIET, QUIET);
                assertThat(session.awaitDrawn(QUIET, QUIET_EVENTS)).containsEntry("observed", (long) QUIET_EVENTS)
                        .containsEntry("anomalies", 0L);

                // The hostile key is text.
                session.choose("<img", XSS);
                session.awaitDrawn(XSS, XSS_EVENTS);
                assertThat(browser.findElement(By.id("series-key")).getText()).isEqualTo(XSS);
                assertThat(browser.findElement(By.cssSelector("#search-results button")).getAttribute("textContent"))
                        .isEqualTo(XSS);
                assertThat(browser.findElements(By.tagName("img"))).as("no img element made from a key").isEmpty();
                assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

                // Live: an observation fed now is forecast, committed and drawn without a reload.
                session.choose(QUIET, QUIET);
                session.awaitDrawn(QUIET, QUIET_EVENTS);
                session.script("window.loadedOnce = 'yes';");
                send(feed, QUIET, QUIET_EVENTS, wave(QUIET_EVENTS, 2));
                feed.flush();
                session.awaitDrawn(QUIET, QUIET_EVENTS + 1);
                assertThat(session.script("return window.loadedOnce;")).isEqualTo("yes");

                session.choose(SPIKY, SPIKY);
                awaitScored(session, SPIKY, SPIKY_EVENTS);
                session.screenshot(Path.of("target", "dashboard.png"));
            }

            send(feed, "zz-last", 0, 1);
            feed.flush();
            assertThat(run.get(60, TimeUnit.SECONDS)).as("run's exit code; it printed:%n%s%s", out, err).isZero();
        }
    }

    /** Waits for the series' points and for the scorer's figures of every horizon beside them. */
    private static Map<String, Object> awaitScored(BrowserSession session, String key, int points) {
        session.awaitDrawn(key, points);
        new org.openqa.selenium.support.ui.WebDriverWait(session.browser(), Duration.ofSeconds(30))
                .until(d -> d.findElements(By.cssSelector("#errors tbody tr")).size() == 3
                        && Long.valueOf(points).equals(session.awaitDrawn(key, points).get("observed")));
        return session.awaitDrawn(key, points);
    }

    /** The event times the scorer flagged as anomalies for the series, as a read_committed reader sees them. */
    private static List<Long> flaggedTimes(String key) throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Long> times = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ReadCommitted.readAll(KAFKA.bootstrapServers(), "forecast-errors",
                Duration.ofSeconds(30))) {
            var n = mapper.readTree(r.value());
            if (key.equals(n.path("key").asText()) && n.path("anomaly").asBoolean(false)) {
                times.add(n.get("targetTime").longValue());
            }
        }
        return times;
    }

    /** A wave with noise (so the scorer's band has a width); the same numbers every run. */
    private static double wave(int i, int seed) {
        Random noise = new Random(31L * seed + i);
        return Math.round((60 + 15 * Math.sin(i / 6.0 + seed) + 2 * noise.nextGaussian()) * 10) / 10.0;
    }

    private static void send(KafkaProducer<byte[], byte[]> feed, String key, int i, double value) {
        feed.send(new ProducerRecord<>("observations", key.getBytes(StandardCharsets.UTF_8),
                ObservationJson.write(key, T0.plusSeconds(3600L * i), value)));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String awaitUrl(StringWriter out, StringWriter err, CompletableFuture<Integer> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = DASHBOARD.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            if (run.isDone()) {
                throw new AssertionError("run ended (" + run.get() + ") before printing its dashboard:\n" + out + err);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run printed no dashboard URL in 60 s:\n" + out + err);
    }
}
