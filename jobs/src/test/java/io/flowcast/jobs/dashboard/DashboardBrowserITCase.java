package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.testing.InProcessKafka;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium through chromedriver, installed by
 * src/test/scripts/install-chromium.sh when missing): records that came through Kafka, read
 * {@code read_committed}, are what the page draws; the band, an anomaly and a version change are
 * drawn; switching series switches the data; a hostile key is text; a record produced after the page
 * loaded appears without a reload.
 */
class DashboardBrowserITCase {

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
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Process install = new ProcessBuilder("bash", "src/test/scripts/install-chromium.sh").inheritIO().start();
        assertThat(install.waitFor(10, TimeUnit.MINUTES)).as("install-chromium.sh finished").isTrue();
        assertThat(install.exitValue()).as("install-chromium.sh exit code").isZero();
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
        browser = chromium();
        wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(50));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    @Timeout(120)
    void thePageDrawsWhatCameThroughKafkaAndUpdatesLive() throws Exception {
        browser.get(dashboard.url());
        assertThat(browser.getTitle()).isEqualTo("flowcast dashboard");

        // Station A: the page draws its newest POINTS events of the 80 produced, with the band of the
        // latest fan, the forecasts made for each event, the spike marked and the one version change.
        choose("station-A", "station-A");
        Map<String, Object> a = awaitDrawn("station-A", POINTS);
        assertThat(a).containsEntry("observed", (long) POINTS).containsEntry("anomalies", 1L)
                .containsEntry("versionChanges", 1L);
        // At h=1 every held event but the oldest has the forecast made for it at the event before.
        assertThat(a).containsEntry("forecasts", POINTS - 1L).containsEntry("horizon", 1L);
        assertThat((Long) a.get("fanBand")).isEqualTo(2L * HORIZONS);
        assertThat((Long) a.get("band")).isGreaterThan(2L * HORIZONS);
        assertThat(browser.findElement(By.id("errors")).findElements(By.cssSelector("tbody tr"))).hasSize(HORIZONS);

        // Switching series switches the data: station B's 30 points, no anomaly, and without quantile
        // outputs no fan band: the band drawn is the anomaly band of its 29 scored events instead.
        choose("station-B", "station-B");
        Map<String, Object> b = awaitDrawn("station-B", 30);
        assertThat(b).containsEntry("observed", 30L).containsEntry("anomalies", 0L).containsEntry("fanBand", 0L)
                .containsEntry("band", 2L * 29);

        // The hostile key is text: in the search result, the title and the chart's data.
        choose("<img", XSS);
        awaitDrawn(XSS, 12);
        assertThat(browser.findElement(By.id("series-key")).getText()).isEqualTo(XSS);
        assertThat(browser.findElement(By.cssSelector("#search-results button")).getAttribute("textContent")).isEqualTo(XSS);
        assertThat(browser.findElements(By.tagName("img"))).as("no img element made from a key").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        // Live: a record produced after the page loaded is drawn without a reload.
        choose("station-B", "station-B");
        awaitDrawn("station-B", 30);
        ((JavascriptExecutor) browser).executeScript("window.loadedOnce = 'yes';");
        try (TopicRecords records = new TopicRecords(KAFKA.bootstrapServers())) {
            new Series("station-B", 31, false, -1, 4.0, 2.0).writeTo(records, 30, 31);
            records.commit();
        }
        awaitDrawn("station-B", 31);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.loadedOnce;")).isEqualTo("yes");

        // A screenshot of station A for the README.
        choose("station-A", "station-A");
        awaitDrawn("station-A", POINTS);
        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isPositive();
    }

    /**
     * Types a search and clicks the result whose text is the key, once the list shows that search's
     * results (each keystroke's answer replaces the list).
     */
    private static void choose(String query, String key) {
        WebElement search = browser.findElement(By.id("search"));
        search.clear();
        search.sendKeys(query);
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#search-results button"));
            if (found.isEmpty() || !found.stream().allMatch(e -> e.getAttribute("textContent").contains(query))) {
                return false;
            }
            WebElement button = found.stream().filter(e -> key.equals(e.getAttribute("textContent"))).findFirst()
                    .orElse(null);
            if (button == null) {
                return false;
            }
            button.click();
            return true;
        });
    }

    /** Waits until the page drew the series with that many points, and returns what it drew. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitDrawn(String key, int points) {
        return wait.withMessage(() -> "the page to draw " + points + " points of " + key + "; it drew "
                        + ((JavascriptExecutor) browser).executeScript("return window.flowcast && window.flowcast.drawn;"))
                .until(d -> {
                    Object drawn = ((JavascriptExecutor) d).executeScript("return window.flowcast.drawn;");
                    if (drawn instanceof Map<?, ?> m && key.equals(m.get("key"))
                            && Long.valueOf(points).equals(m.get("points"))) {
                        return (Map<String, Object>) m;
                    }
                    return null;
                });
    }

    private static ChromeDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        Path profile = Files.createTempDirectory("flowcast-dashboard-chromium");
        profile.toFile().deleteOnExit();
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
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
