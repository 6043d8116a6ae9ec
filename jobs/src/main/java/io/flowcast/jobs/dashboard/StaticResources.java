package io.flowcast.jobs.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The page and its scripts, read from the jar once at start: a fixed list of paths, so the server
 * can never be asked for any other file of the classpath. uPlot comes from its WebJar
 * ({@code org.webjars.npm:uplot}, the version the build pins), so nothing is fetched from the internet.
 */
final class StaticResources {

    /** The uPlot WebJar's version; the build's {@code uplot.version} (a test checks the file is there). */
    static final String UPLOT_VERSION = "1.6.30";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
    private static final String PAGE = "io/flowcast/jobs/dashboard/web/";

    record Resource(String contentType, byte[] bytes) {
    }

    private final Map<String, Resource> byPath;

    private StaticResources(Map<String, Resource> byPath) {
        this.byPath = byPath;
    }

    static StaticResources load() {
        return new StaticResources(Map.of(
                "/", read(PAGE + "index.html", "text/html; charset=utf-8"),
                "/dashboard.js", read(PAGE + "dashboard.js", "text/javascript; charset=utf-8"),
                "/dashboard.css", read(PAGE + "dashboard.css", "text/css; charset=utf-8"),
                "/uplot/uPlot.iife.min.js", read(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                "/uplot/uPlot.min.css", read(UPLOT + "uPlot.min.css", "text/css; charset=utf-8")));
    }

    Optional<Resource> get(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    private static Resource read(String name, String contentType) {
        try (InputStream in = StaticResources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is not on the classpath (a broken build)");
            }
            return new Resource(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the jar", e);
        }
    }
}
