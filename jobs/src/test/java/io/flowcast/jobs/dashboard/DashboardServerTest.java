package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP side without a browser: its paths, methods, headers, JSON and the live stream. */
class DashboardServerTest {

    private static final String XSS = "<img src=x onerror=alert(1)>";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DashboardView view;
    private DashboardServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        view = new DashboardView(DashboardSettings.of(10, 10));
        view.addForecast(XSS, new ForecastPoint(1000, 5, 1, new float[] {1, 2}, null, null));
        server = DashboardServer.start(view, InetAddress.getLoopbackAddress(), 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndUPlotFromTheJarWithAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/uplot/uPlot.iife.min.js").doesNotContain("http://", "https://");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        HttpResponse<String> uplot = get("/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/dashboard.js").body()).contains("textContent")
                .doesNotContain(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write");
    }

    @Test
    void answersOnlyItsOwnPathsAndOnlyGet() throws Exception {
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode()).isEqualTo(404);
        assertThat(get("/io/flowcast/jobs/dashboard/web/index.html").statusCode()).isEqualTo(404);
        for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/overview"))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
        }
    }

    @Test
    void refusesAForeignHostNameOnLoopback() throws Exception {
        assertThat(rawGet("evil.example:" + server.port())).startsWith("HTTP/1.1 403");
        assertThat(rawGet("localhost:" + server.port())).startsWith("HTTP/1.1 200");
    }

    private String rawGet(String host) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/overview HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void theJsonCarriesAKeyAsAStringAndUnknownNumbersAsNull() throws Exception {
        HttpResponse<String> r = get("/api/series?key=" + URLEncoder.encode(XSS, StandardCharsets.UTF_8) + "&h=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode chart = new ObjectMapper().readTree(r.body());
        assertThat(chart.get("key").textValue()).isEqualTo(XSS);
        assertThat(chart.get("forecast").get(0).isNull()).isTrue(); // NaN: no forecast for the first event
        assertThat(get("/api/series?key=other").statusCode()).isEqualTo(404);
        JsonNode found = new ObjectMapper().readTree(get("/api/search?q=%3Cimg").body());
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("key").textValue()).isEqualTo(XSS);
        JsonNode overview = new ObjectMapper().readTree(get("/api/overview").body());
        assertThat(overview.get("series").intValue()).isEqualTo(1);
        assertThat(overview.get("meanMae").isNull()).isTrue();
    }

    @Test
    @Timeout(20)
    void theLiveStreamSendsTheSeriesAtOnceAndAgainWhenARecordArrives() throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stream?key="
                + URLEncoder.encode(XSS, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader events = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(nextData(events, "series").get("times")).hasSize(1);
            view.addForecast(XSS, new ForecastPoint(2000, 6, 1, new float[] {1, 2}, null, null));
            assertThat(nextData(events, "series").get("times")).hasSize(2);
        }
    }

    private static JsonNode nextData(BufferedReader events, String name) throws Exception {
        String line;
        boolean named = false;
        while ((line = events.readLine()) != null) {
            if (line.equals("event: " + name)) {
                named = true;
            } else if (named && line.startsWith("data: ")) {
                return new ObjectMapper().readTree(line.substring(6));
            } else if (line.isEmpty()) {
                named = false;
            }
        }
        throw new AssertionError("the stream ended before a " + name + " event");
    }
}
