package io.flowcast.jobs.cli;

import io.flowcast.jobs.dashboard.Dashboard;
import io.flowcast.jobs.dashboard.DashboardSettings;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.TopicSetup;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dashboard}: the forecasting dashboard (a web page) over the topics of a running job. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves a live web page of the committed forecasts, errors and anomalies (read_committed), until Ctrl-C.",
            "It holds a bounded view in memory: the last --points points of at most --max-series series."})
final class DashboardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "The Kafka to read.")
    String bootstrapServers;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "The address the page listens on (default: ${DEFAULT-VALUE}; the page has no login).")
    String bind;

    @Option(names = "--port", defaultValue = "" + Dashboard.DEFAULT_PORT, paramLabel = "PORT",
            description = "The page's port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--points", defaultValue = "" + DashboardSettings.DEFAULT_POINTS, paramLabel = "N",
            description = "Points held and drawn per series (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--max-series", defaultValue = "" + DashboardSettings.DEFAULT_MAX_SERIES, paramLabel = "N",
            description = "Series held; the least recently updated is dropped for a new one (default: ${DEFAULT-VALUE}).")
    int maxSeries;

    @Option(names = "--tail-records", defaultValue = "" + Dashboard.DEFAULT_TAIL_RECORDS, paramLabel = "N",
            description = "Records read back from the end of each partition at start; -1 = from the beginning "
                    + "(default: ${DEFAULT-VALUE}).")
    long tailRecords;

    @Option(names = "--topic-forecasts", defaultValue = "forecasts", description = "(default: ${DEFAULT-VALUE})")
    String topicForecasts;

    @Option(names = {"--topic-forecast-errors", "--errors-topic"}, defaultValue = "forecast-errors",
            description = "Read when it exists (default: ${DEFAULT-VALUE}).")
    String topicErrors;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + ": unknown address");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        DashboardSettings settings = DashboardSettings.of(points, maxSeries);
        KafkaClientConfig kafka = kafkaClient.config(bootstrapServers);
        TopicSetup.requireTopics(kafka, List.of(topicForecasts));
        Dashboard dashboard;
        try {
            dashboard = Dashboard.start(kafka, topicForecasts, topicErrors, tailRecords, settings, address, port);
        } catch (BindException e) {
            throw new IllegalArgumentException("--port " + port + " on " + bind + " is taken (--port 0 takes any free port)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            stopped.countDown();
        }, "flowcast-dashboard-shutdown"));
        out.println("flowcast dashboard");
        out.println("  Kafka      " + bootstrapServers + " (read_committed, no consumer group)");
        out.println("  topics     " + topicForecasts + ", " + topicErrors);
        out.println("  holds      the last " + points + " points of at most " + maxSeries + " series");
        out.println("  Dashboard  " + dashboard.url());
        out.flush();
        stopped.await();
        return 0;
    }
}
