package io.flowcast.jobs.cli;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.TopicSetup;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tail}: the job's output as a downstream consumer sees it ({@code read_committed}), so only
 * forecasts and dead letters of completed checkpoints appear, each exactly once.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prints the committed forecasts and dead letters, as a read_committed consumer sees them.",
            "From the beginning of `forecasts` and `dead-letters`, one JSON value per line; a count goes to stderr at",
            "the end."})
final class TailCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT", description = "The Kafka to read.")
    String bootstrapServers;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N",
            description = "Exit 0 after N records; 0 = until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long max;

    @Option(names = "--timeout", defaultValue = "0s", converter = DurationConverter.class,
            description = "With --max: exit 1 if N records have not arrived by then; 0 = wait forever (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Option(names = "--topic-forecasts", defaultValue = "forecasts") String topicForecasts;
    @Option(names = "--topic-dead-letters", defaultValue = "dead-letters") String topicDeadLetters;

    private volatile boolean stopRequested;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        long deadline = timeout.isZero() ? Long.MAX_VALUE : started + timeout.toNanos();
        long forecasts = 0;
        long deadLetters = 0;
        double firstAfter = -1;
        KafkaClientConfig kafka = kafkaClient.config(bootstrapServers);
        TopicSetup.requireTopics(kafka, List.of(topicForecasts, topicDeadLetters));
        CountDownLatch finished = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            // Ctrl-C: wake the consumer so this thread prints the count and closes it.
            Thread hook = new Thread(() -> {
                stopRequested = true;
                consumer.wakeup();
                await(finished, 10);
            }, "flowcast-tail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(topicForecasts, topicDeadLetters)) {
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!stopRequested && (max <= 0 || forecasts + deadLetters < max) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        if (firstAfter < 0) {
                            firstAfter = (System.nanoTime() - started) / 1e9;
                        }
                        out.println(r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
                        if (r.topic().equals(topicForecasts)) {
                            forecasts++;
                        } else {
                            deadLetters++;
                        }
                        if (max > 0 && forecasts + deadLetters == max) {
                            break;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException stopping) {
                // Ctrl-C.
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // Ctrl-C: the hook waits for the count below.
                }
            }
        } finally {
            out.flush();
            err.printf(Locale.ROOT, "tail: %,d records (%,d forecasts, %,d dead letters) in %.1f s%s%n", forecasts + deadLetters,
                    forecasts, deadLetters, (System.nanoTime() - started) / 1e9,
                    firstAfter < 0 ? "" : String.format(Locale.ROOT, ", the first after %.1f s", firstAfter));
            err.flush();
            finished.countDown();
        }
        if (max > 0 && forecasts + deadLetters < max && !stopRequested) {
            err.printf(Locale.ROOT, "tail: timed out after %s waiting for %,d records%n", timeout, max);
            return 1;
        }
        return 0;
    }

    static KafkaConsumer<byte[], byte[]> consumer(KafkaClientConfig kafka) {
        Properties props = kafka.consumer();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowcast-tail");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void await(CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
