package io.flowcast.jobs.cli;

import io.flowcast.jobs.feed.DataFolder;
import io.flowcast.jobs.feed.Feeder;
import io.flowcast.jobs.feed.WideCsvSeries;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.TopicSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code feed}: {@code run}'s feeder on its own, replaying a data set into a Kafka that is already there. */
@Command(name = "feed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Replays a data set into `observations` of an existing Kafka, as `run` feeds it.",
            "By default the Beijing PM2.5 stations, as JSON, row by row in event-time order; exits once every event",
            "is acknowledged."})
final class FeedCommand implements Callable<Integer> {

    private static final Duration PROGRESS = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "The Kafka to feed.")
    String bootstrapServers;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Stop after N events; 0 = the whole data set (default: ${DEFAULT-VALUE}).")
    long limit;

    @Option(names = "--skip", defaultValue = "0", paramLabel = "N",
            description = "Start after the first N events, e.g. to continue an earlier feed (default: ${DEFAULT-VALUE}).")
    long skip;

    @Option(names = "--topic-observations", defaultValue = "observations",
            description = "The topic to write; it must exist (default: ${DEFAULT-VALUE}).")
    String topic;

    @Mixin
    DataSetOptions dataSet;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        KafkaClientConfig kafka = kafkaClient.config(bootstrapServers);
        Path file = DataFolder.dataset(dataSet.data, dataSet.dataset);
        TopicSetup.requireTopics(kafka, List.of(topic));
        try (WideCsvSeries series = new WideCsvSeries(file, dataSet.zone);
                Feeder feeder = new Feeder(kafka, topic, series, dataSet.speed, limit)) {
            for (long i = 0; i < skip && series.hasNext(); i++) {
                series.next();
            }
            out.printf(Locale.ROOT, "feeding %s (%d series, naive times read in %s) into %s at %s, %s, %s%s%n", file,
                    series.keys().size(), dataSet.zone, topic, bootstrapServers,
                    dataSet.speed > 0 ? String.format(Locale.ROOT, "%.0f events/s", dataSet.speed) : "unthrottled",
                    limit > 0 ? String.format(Locale.ROOT, "limit %,d events", limit) : "whole data set",
                    skip > 0 ? String.format(Locale.ROOT, ", after the first %,d", skip) : "");
            out.flush();
            // Ctrl-C stops feeding; what was acknowledged so far stays in the topic.
            Thread hook = new Thread(() -> closeQuietly(feeder), "flowcast-feed-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            feeder.start();
            long nextProgress = System.nanoTime() + PROGRESS.toNanos();
            while (!feeder.done()) {
                Thread.sleep(50);
                if (System.nanoTime() >= nextProgress) {
                    out.printf(Locale.ROOT, "  fed %,d%n", feeder.fed());
                    out.flush();
                    nextProgress += PROGRESS.toNanos();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook closes the feeder.
            }
            if (feeder.failure() != null) {
                out.printf(Locale.ROOT, "feeding failed after %,d events: %s%n", feeder.fed(), feeder.failure());
                return 1;
            }
            out.printf(Locale.ROOT, "fed %,d events in %.1f s%n", feeder.fed(), (System.nanoTime() - started) / 1e9);
            return 0;
        }
    }

    private static void closeQuietly(Feeder feeder) {
        try {
            feeder.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
