package io.flowcast.jobs.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * One page's live stream (server-sent events, {@code text/event-stream}): an {@code overview} event
 * when the view changed, and a {@code series} event with the chosen series' chart (the whole bounded
 * window, so the page never holds more than the server does) whenever a record of that series arrived.
 * Events are sent at most every {@link #MIN_GAP_MS} so a busy topic does not flood the page; a comment
 * line every second finds a closed page and frees the thread.
 */
final class EventStream {

    static final long MIN_GAP_MS = 250;
    private static final long OVERVIEW_GAP_MS = 2_000;
    private static final long KEEPALIVE_MS = 1_000;

    private final DashboardView view;
    private final String key;
    private final int horizon;
    private final BooleanSupplier closed;

    EventStream(DashboardView view, String key, int horizon, BooleanSupplier closed) {
        this.view = view;
        this.key = key;
        this.horizon = horizon;
        this.closed = closed;
    }

    void serve(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        long seenChange = -1;
        long seenSeries = Long.MIN_VALUE;
        long overviewChange = -1;
        long overviewAt = 0;
        try {
            // A page whose stream broke (the server restarted) reconnects after this many ms.
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII));
            while (!closed.getAsBoolean()) {
                long change = view.awaitChange(seenChange, KEEPALIVE_MS);
                seenChange = change;
                boolean sent = false;
                long seriesChange = key.isEmpty() ? -1 : view.lastChange(key);
                if (!key.isEmpty() && seriesChange != seenSeries) {
                    seenSeries = seriesChange;
                    var chart = view.chart(key, horizon);
                    event(out, "series", chart.isPresent() ? DashboardJson.write(chart.get()) : "null".getBytes(StandardCharsets.UTF_8));
                    sent = true;
                }
                long now = System.currentTimeMillis();
                if (change != overviewChange && now - overviewAt >= OVERVIEW_GAP_MS) {
                    Overview overview = view.overview();
                    // The view may hand out an overview a little older than this change: sent again when due.
                    overviewChange = overview.change();
                    overviewAt = now;
                    event(out, "overview", DashboardJson.write(overview));
                    sent = true;
                }
                if (!sent) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                Thread.sleep(MIN_GAP_MS);
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
    }

    /** One event; Jackson's JSON has no raw line break, so it is one {@code data:} line. */
    private static void event(OutputStream out, String name, byte[] json) throws IOException {
        out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.write(json);
        out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
}
