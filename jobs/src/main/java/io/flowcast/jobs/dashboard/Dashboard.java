package io.flowcast.jobs.dashboard;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import java.io.IOException;
import java.net.InetAddress;

/**
 * The dashboard as a whole: a {@link DashboardFeed} reading the topics into a bounded
 * {@link DashboardView}, and a {@link DashboardServer} serving it. What {@code dashboard} and
 * {@code run} start.
 */
public final class Dashboard implements AutoCloseable {

    public static final int DEFAULT_PORT = 8090;
    /** Records read back from each partition's end at start: recent history at once, bounded. */
    public static final long DEFAULT_TAIL_RECORDS = 100_000;

    private final DashboardView view;
    private final DashboardFeed feed;
    private final DashboardServer server;

    private Dashboard(DashboardView view, DashboardFeed feed, DashboardServer server) {
        this.view = view;
        this.feed = feed;
        this.server = server;
    }

    /**
     * Starts reading (failing at once when the forecasts topic is missing), then serving.
     *
     * @param tailRecords records read back from the end of each partition at start; negative: all
     */
    public static Dashboard start(KafkaClientConfig kafka, String forecastsTopic, String errorsTopic,
            long tailRecords, DashboardSettings settings, InetAddress bind, int port) throws IOException {
        DashboardView view = new DashboardView(settings);
        DashboardFeed feed = new DashboardFeed(kafka, forecastsTopic, errorsTopic, tailRecords, view).start();
        try {
            return new Dashboard(view, feed, DashboardServer.start(view, bind, port));
        } catch (IOException | RuntimeException e) {
            closeQuietly(feed);
            throw e;
        }
    }

    public DashboardView view() {
        return view;
    }

    public int port() {
        return server.port();
    }

    /** The page's address, as a browser on this machine opens it. */
    public String url() {
        InetAddress a = server.address().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.close();
        closeQuietly(feed);
    }

    private static void closeQuietly(DashboardFeed feed) {
        try {
            feed.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
