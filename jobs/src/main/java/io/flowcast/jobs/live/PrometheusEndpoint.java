package io.flowcast.jobs.live;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;

/**
 * The Prometheus endpoint of {@code run}'s local cluster: Flink's own Prometheus reporter, which
 * serves every metric of the cluster and the job (flowcast's included) as text on one port. A local
 * cluster has one metric registry for its JobManager and TaskManagers, so one port serves them all.
 */
public final class PrometheusEndpoint {

    /** The reporter's name in {@code metrics.reporter.<name>.*}, as Flink's documentation names it. */
    static final String REPORTER_NAME = "prom";
    static final String FACTORY_CLASS = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** The reporter's own default, so scrape configurations written for Flink find it. */
    public static final int DEFAULT_PORT = 9249;
    /** The reporter's port parameter ({@code metrics.reporter.prom.port}): a port, a range or a list. */
    static final ConfigOption<String> PORT = ConfigOptions.key("port").stringType().noDefaultValue();
    /** The reporter has no address setting: it listens on every interface. */
    static final String EVERY_INTERFACE = "0.0.0.0";

    private final int port;

    private PrometheusEndpoint(int port) {
        this.port = port;
    }

    /**
     * The endpoint on {@code requestedPort}, or with 0 on 9249 when it is free (the reporter's default,
     * which a scrape configuration for Flink expects), else on any free port.
     */
    public static PrometheusEndpoint choose(int requestedPort) throws IOException {
        if (requestedPort > 0) {
            return new PrometheusEndpoint(requestedPort);
        }
        return new PrometheusEndpoint(isFree(DEFAULT_PORT) ? DEFAULT_PORT : freePort());
    }

    public int port() {
        return port;
    }

    /** The URL to scrape: the reporter answers on any path; {@code /metrics} is where Prometheus looks. */
    public String url(String host) {
        return String.format(Locale.ROOT, "http://%s:%d/metrics", host, port);
    }

    /** Adds the reporter to a cluster's configuration. */
    public void applyTo(Configuration conf) {
        Configuration reporter = MetricOptions.forReporter(conf, REPORTER_NAME);
        reporter.set(MetricOptions.REPORTER_FACTORY_CLASS, FACTORY_CLASS);
        reporter.set(PORT, Integer.toString(port));
    }

    /** Whether something (once the cluster has started: the reporter) listens on the port. */
    public boolean isListening() {
        return !isFree(port);
    }

    /** Free on every interface, where the reporter binds it. */
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(EVERY_INTERFACE, port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** A port free now; closed again before it is returned, so that the reporter can bind it. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(EVERY_INTERFACE, 0), 1);
            return s.getLocalPort();
        }
    }
}
