package io.flowcast.jobs.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's HTTP server (the JDK's {@code com.sun.net.httpserver}): read-only, GET only, and
 * only its own paths: the page and its scripts ({@link StaticResources}), JSON for the overview, a key
 * search and one series, and a live stream of server-sent events ({@link EventStream}). Anything
 * else is 404, any other method 405.
 */
public final class DashboardServer implements AutoCloseable {

    /** Live streams held open at once; each holds a thread, so one page too many gets 503, not a stalled server. */
    static final int MAX_STREAMS = 32;
    /** The longest search query read: a key search needs no more. */
    static final int MAX_QUERY = 1_000;
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' "
            + "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private final HttpServer server;
    private final ExecutorService threads;
    private final DashboardView view;
    private final StaticResources resources;
    private final AtomicInteger streams = new AtomicInteger();
    private final boolean loopbackOnly;
    private volatile boolean closed;

    private DashboardServer(HttpServer server, ExecutorService threads, DashboardView view, boolean loopbackOnly) {
        this.server = server;
        this.threads = threads;
        this.view = view;
        this.resources = StaticResources.load();
        this.loopbackOnly = loopbackOnly;
    }

    /** Listens on {@code bind:port} (port 0: any free port) and serves the view. */
    public static DashboardServer start(DashboardView view, InetAddress bind, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(MAX_STREAMS + 8, r -> {
            Thread t = new Thread(r, "flowcast-dashboard-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        DashboardServer dashboard = new DashboardServer(server, threads, view, bind.isLoopbackAddress());
        server.createContext("/", dashboard::handle);
        server.setExecutor(threads);
        server.start();
        return dashboard;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            securityHeaders(x);
            if (!"GET".equals(x.getRequestMethod())) {
                x.getResponseHeaders().set("Allow", "GET");
                text(x, 405, "method not allowed: the dashboard is read-only");
                return;
            }
            if (!hostAllowed(x)) {
                text(x, 403, "unknown Host");
                return;
            }
            String path = x.getRequestURI().getRawPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            switch (path) {
                case "/api/overview" -> json(x, 200, view.overview());
                case "/api/search" -> json(x, 200, view.search(query.getOrDefault("q", "")));
                case "/api/series" -> {
                    var chart = view.chart(query.getOrDefault("key", ""), horizon(query));
                    if (chart.isPresent()) {
                        json(x, 200, chart.get());
                    } else {
                        json(x, 404, Map.of("error", "series not held"));
                    }
                }
                case "/api/stream" -> stream(x, query);
                default -> {
                    var resource = resources.get(path);
                    if (resource.isPresent()) {
                        send(x, 200, resource.get().contentType(), resource.get().bytes());
                    } else {
                        text(x, 404, "not found");
                    }
                }
            }
        } catch (IOException clientGone) {
            // The browser closed the connection; nothing to answer.
        }
    }

    private void stream(HttpExchange x, Map<String, String> query) throws IOException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            text(x, 503, "too many live streams");
            return;
        }
        try {
            new EventStream(view, query.getOrDefault("key", ""), horizon(query), () -> closed).serve(x);
        } finally {
            streams.decrementAndGet();
        }
    }

    /**
     * On a loopback address only loopback host names are answered, so a web page elsewhere cannot
     * read the dashboard through a DNS name rebound to 127.0.0.1.
     */
    private boolean hostAllowed(HttpExchange x) {
        if (!loopbackOnly) {
            return true;
        }
        String host = x.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return true;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
    }

    private static int horizon(Map<String, String> query) {
        try {
            return Math.max(1, Math.min(SeriesHistory.MAX_HORIZON, Integer.parseInt(query.getOrDefault("h", "1"))));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.length() > MAX_QUERY) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException badEscape) {
                // A malformed parameter is left out, as if absent.
            }
        }
        return params;
    }

    private static void securityHeaders(HttpExchange x) {
        x.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        x.getResponseHeaders().set("Cache-Control", "no-store");
    }

    private static void json(HttpExchange x, int status, Object value) throws IOException {
        send(x, status, "application/json; charset=utf-8", DashboardJson.write(value));
    }

    private static void text(HttpExchange x, int status, String message) throws IOException {
        send(x, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, String contentType, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", contentType);
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }
}
