package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.testing.InProcessKafka;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The dashboard in a real browser over records written straight to the topics (what a live job
 * without a trained model cannot give: p10..p90 bands and model-version changes): records that came
 * through Kafka, read {@code read_committed}, are what the page draws, bounded by {@code --points};
 * the fan's band, the forecasts made for each event, an anomaly and a version change are drawn;
 * switching series switches the data; a hostile key is text; a record produced after the page loaded
 * appears without a reload. {@link DashboardBrowserITCase} does the same over a live job.
 */
class DashboardBandsBrowserITCase {

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    private static final String FORECASTS = "forecasts";
    private static final String ERRORS = "forecast-errors";
    private static final String XSS = "<img src=x onerror=alert(1)>";
    /** The page's bound: fewer than the first series has, more than the others. */
    private static final int POINTS = 60;
    private static final long T0 = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final int HORIZONS = 3;

    private static Dashboard dashboard;
    private static BrowserSession session;

    @BeforeAll
    static void start() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(FORECASTS, 2, (short) 1), new NewTopic(ERRORS, 2, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (TopicRecords records = new TopicRecords(KAFKA.bootstrapServers())) {
            // Station A: more points than the page holds, a p10..p90 band, a model change half way, one spike.
            new Series("station-A", 80, true, 70, 2.0, 3.0).writeTo(records, 0, 80);
            // Station B: no band, no anomaly, worse than persistence.
            new Series("station-B", 30, false, -1, 4.0, 2.0).writeTo(records, 0, 30);
            new Series(XSS, 12, false, -1, 1.0, 1.0).writeTo(records, 0, 12);
            records.commit();
        }
        dashboard = Dashboard.start(KafkaClientConfig.plain(KAFKA.bootstrapServers()), FORECASTS, ERRORS, -1,
                DashboardSettings.of(POINTS, 100), InetAddress.getLoopbackAddress(), 0);
        session = BrowserSession.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (session != null) {
            session.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    @Timeout(120)
    void thePageDrawsWhatCameThroughKafkaAndUpdatesLive() throws Exception {
        var browser = session.browser();
        browser.get(dashboard.url());
        assertThat(browser.getTitle()).isEqualTo("flowcast dashboard");

        // Station A: the page draws its newest POINTS events of the 80 produced, with the band of the
        // latest fan, the forecasts made for each event, the spike marked and the one version change.
        session.choose("station-A", "station-A");
        Map<String, Object> a = session.awaitDrawn("station-A", POINTS);
        assertThat(a).containsEntry("observed", (long) POINTS).containsEntry("anomalies", 1L)
                .containsEntry("versionChanges", 1L);
        // At h=1 every held event but the oldest has the forecast made for it at the event before.
        assertThat(a).containsEntry("forecasts", POINTS - 1L).containsEntry("horizon", 1L);
        assertThat((Long) a.get("fanBand")).isEqualTo(2L * HORIZONS);
        assertThat(a).containsEntry("bandSource", "quantiles");
        assertThat((Long) a.get("band")).isGreaterThan(2L * HORIZONS);
        assertThat(browser.findElement(By.id("errors")).findElements(By.cssSelector("tbody tr"))).hasSize(HORIZONS);

        // Switching series switches the data: station B's 30 points, no anomaly, and without quantile
        // outputs no fan band: the band drawn is the anomaly band of its 29 scored events instead.
        session.choose("station-B", "station-B");
        Map<String, Object> b = session.awaitDrawn("station-B", 30);
        assertThat(b).containsEntry("observed", 30L).containsEntry("anomalies", 0L).containsEntry("fanBand", 0L)
                .containsEntry("band", 2L * 29).containsEntry("bandSource", "anomaly");

        // The hostile key is text: in the search result, the title and the chart's data.
        session.choose("<img", XSS);
        session.awaitDrawn(XSS, 12);
        assertThat(browser.findElement(By.id("series-key")).getText()).isEqualTo(XSS);
        assertThat(browser.findElement(By.cssSelector("#search-results button")).getAttribute("textContent")).isEqualTo(XSS);
        assertThat(browser.findElements(By.tagName("img"))).as("no img element made from a key").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        // Live: a record produced after the page loaded is drawn without a reload.
        session.choose("station-B", "station-B");
        session.awaitDrawn("station-B", 30);
        session.script("window.loadedOnce = 'yes';");
        try (TopicRecords records = new TopicRecords(KAFKA.bootstrapServers())) {
            new Series("station-B", 31, false, -1, 4.0, 2.0).writeTo(records, 30, 31);
            records.commit();
        }
        session.awaitDrawn("station-B", 31);
        assertThat(session.script("return window.loadedOnce;")).isEqualTo("yes");

        // A screenshot of station A.
        session.choose("station-A", "station-A");
        session.awaitDrawn("station-A", POINTS);
        session.screenshot(Path.of("target", "dashboard-bands.png"));
    }

    /**
     * A synthetic series as the job would write it: a smooth wave, forecasts close to it for
     * horizons 1..3 (with a p10..p90 band when {@code banded}), model version 0 then 1 from half way,
     * and the scorer's error records, horizon 1 carrying the anomaly flag (true at {@code spikeAt}).
     */
    private record Series(String key, int length, boolean banded, int spikeAt, double mae, double persistenceMae) {

        double value(int i) {
            return 50 + 10 * Math.sin(i / 5.0) + (i == spikeAt ? 60 : 0);
        }

        double forecast(int origin, int h) {
            return 50 + 10 * Math.sin((origin + h) / 5.0) + 0.5 * h;
        }

        long version(int i) {
            return i < length / 2 ? 0 : 1;
        }

        void writeTo(TopicRecords records, int from, int to) {
            for (int i = from; i < to; i++) {
                double[] values = new double[HORIZONS];
                double[] p10 = new double[HORIZONS];
                double[] p90 = new double[HORIZONS];
                for (int h = 1; h <= HORIZONS; h++) {
                    values[h - 1] = forecast(i, h);
                    p10[h - 1] = values[h - 1] - 3;
                    p90[h - 1] = values[h - 1] + 3;
                }
                long time = T0 + i * HOUR;
                records.add(FORECASTS, TopicRecords.forecast(key, time, version(i), value(i), values,
                        banded ? p10 : null, banded ? p90 : null));
                for (int h = 1; h <= Math.min(HORIZONS, i); h++) {
                    records.add(ERRORS, TopicRecords.error(key, time - h * HOUR, time, h, forecast(i - h, h), value(i),
                            version(i - h), mae * (1 + 0.1 * h), persistenceMae * (1 + 0.1 * h),
                            h == 1 ? i == spikeAt : null));
                }
            }
        }
    }
}
