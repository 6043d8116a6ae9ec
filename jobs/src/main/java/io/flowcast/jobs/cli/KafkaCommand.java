package io.flowcast.jobs.cli;

import io.flowcast.jobs.kafka.EmbeddedKafka;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.models.ModelRecordLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka}: only the in-process broker that {@code run} starts, with flowcast's topics, for a
 * Flink cluster (or anything else) to point at. Runs until Ctrl-C, then deletes the broker's data.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Starts only a Kafka broker (in-process KRaft) with flowcast's topics, until Ctrl-C.",
            "One node on 127.0.0.1 that is broker and controller; prints its bootstrap address; Ctrl-C stops it and",
            "deletes its data."})
final class KafkaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", description = "Client port on 127.0.0.1; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions of observations, forecasts and dead-letters; match the job's parallelism so each "
                    + "source subtask reads one partition, in order (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (port > 0 && !free(port)) {
            spec.commandLine().getErr().println("flowcast kafka: port " + port + " on 127.0.0.1 is already in use");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: the hook lets this thread stop the broker (and delete its data), then returns.
        Thread hook = new Thread(() -> {
            stop.countDown();
            await(stopped, 60);
        }, "flowcast-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port)) {
            TopicNames topics = TopicNames.defaults();
            kafka.createTopics(topics, partitions);
            out.println("flowcast kafka");
            out.println("  bootstrap     " + kafka.bootstrapServers() + " (in-process KRaft broker; Ctrl-C stops it and deletes its data)");
            out.printf(Locale.ROOT, "  topics        %s, %s, %s: %d partitions each; %s: compacted, records up to %,d bytes%n",
                    topics.observations(), topics.forecasts(), topics.deadLetters(), partitions, topics.models(),
                    ModelRecordLimits.MAX_RECORD_BYTES);
            out.flush();
            stop.await();
            out.println("stopping the broker");
            out.flush();
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and now returns.
            }
        }
        return 0;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static void await(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
