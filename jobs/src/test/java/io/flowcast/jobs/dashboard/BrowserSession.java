package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, through Debian's chromedriver (both installed by
 * src/test/scripts/install-chromium.sh when missing, so Selenium Manager never downloads a browser),
 * with what the dashboard tests do on the page: pick a series, wait for what the page drew.
 */
final class BrowserSession implements AutoCloseable {

    private final ChromeDriver browser;
    private final WebDriverWait wait;
    private final Path profile;

    private BrowserSession(ChromeDriver browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
        this.wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
    }

    static BrowserSession start() throws Exception {
        Process install = new ProcessBuilder("bash", "src/test/scripts/install-chromium.sh").inheritIO().start();
        assertThat(install.waitFor(10, TimeUnit.MINUTES)).as("install-chromium.sh finished").isTrue();
        assertThat(install.exitValue()).as("install-chromium.sh exit code").isZero();
        Path profile = Files.createTempDirectory("flowcast-dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new BrowserSession(new ChromeDriver(service, options), profile);
    }

    ChromeDriver browser() {
        return browser;
    }

    Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    /**
     * Types a search and clicks the result whose text is the key, once the list shows that search's
     * results (each keystroke's answer replaces the list).
     */
    void choose(String query, String key) {
        WebElement search = browser.findElement(By.id("search"));
        search.clear();
        search.sendKeys(query);
        wait.ignoring(StaleElementReferenceException.class).withMessage(() -> "a search result " + key + "; the page "
                + "shows: " + browser.findElement(By.tagName("body")).getText()).until(d -> {
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

    /** Waits, up to {@code timeout}, until the element's text starts with {@code prefix}. */
    void awaitTextStarting(String id, String prefix, Duration timeout) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(100))
                .withMessage(() -> "#" + id + " to start with " + prefix + "; the page shows: "
                        + browser.findElement(By.tagName("body")).getText())
                .until(d -> d.findElement(By.id(id)).getText().startsWith(prefix));
    }

    /** Waits until the page drew the series with that many points, and returns what it drew. */
    @SuppressWarnings("unchecked")
    Map<String, Object> awaitDrawn(String key, int points) {
        return wait.withMessage(() -> "the page to draw " + points + " points of " + key + "; it drew "
                        + script("return window.flowcast && window.flowcast.drawn;"))
                .until(d -> {
                    Object drawn = script("return window.flowcast.drawn;");
                    if (drawn instanceof Map<?, ?> m && key.equals(m.get("key"))
                            && Long.valueOf(points).equals(m.get("points"))) {
                        return (Map<String, Object>) m;
                    }
                    return null;
                });
    }

    void screenshot(Path file) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(file)).isPositive();
    }

    @Override
    public void close() throws Exception {
        browser.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
