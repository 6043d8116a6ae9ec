package io.flowcast.jobs.dashboard;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code forecasts} and {@code forecast-errors} into a {@link DashboardView} on its own thread,
 * as a downstream consumer sees them ({@code read_committed}: only committed output, once). It joins no
 * consumer group and commits nothing: it assigns every partition itself and starts each at its last
 * {@code tailRecords} records (or the beginning), so a dashboard never disturbs the job nor other
 * readers and restarts where the topics end.
 */
public final class DashboardFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final Duration startTimeout;
    private final String forecastsTopic;
    private final String errorsTopic;
    private final long tailRecords;
    private final DashboardView view;
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param tailRecords records to read back from the end of each partition at start; negative: from the beginning
     */
    public DashboardFeed(KafkaClientConfig kafka, String forecastsTopic, String errorsTopic, long tailRecords,
            DashboardView view) {
        this.consumer = new KafkaConsumer<>(properties(kafka), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.bootstrapServers = kafka.bootstrapServers();
        this.startTimeout = kafka.startTimeout();
        this.forecastsTopic = forecastsTopic;
        this.errorsTopic = errorsTopic;
        this.tailRecords = tailRecords;
        this.view = view;
        this.thread = new Thread(this::run, "flowcast-dashboard-feed");
        thread.setDaemon(true);
    }

    static Properties properties(KafkaClientConfig kafka) {
        Properties props = kafka.consumer();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "flowcast-dashboard");
        return props;
    }

    /** Assigns the partitions and positions them (so a missing topic fails here, at start), then reads on. */
    public DashboardFeed start() {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(startTimeout);
        if (!topics.containsKey(forecastsTopic)) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException("topic " + forecastsTopic + " does not exist on " + bootstrapServers
                    + " (start the job first, or name the topic with --forecasts-topic)");
        }
        if (!topics.containsKey(errorsTopic)) {
            LOG.warn("Topic {} does not exist: the dashboard shows forecasts without errors and anomalies", errorsTopic);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(forecastsTopic, errorsTopic)) {
            topics.getOrDefault(topic, List.of()).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            long begin = beginnings.getOrDefault(tp, 0L);
            long start = tailRecords < 0 ? begin : Math.max(begin, ends.getOrDefault(tp, 0L) - tailRecords);
            consumer.seek(tp, start);
        }
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    accept(r);
                }
            }
        } catch (WakeupException closing) {
            // close() woke the poll.
        } catch (RuntimeException e) {
            LOG.error("The dashboard stopped reading Kafka: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(forecastsTopic)) {
            DashboardRecords.forecast(r.value()).ifPresentOrElse(f -> view.addForecast(f.key(), f.value()), view::refused);
        } else {
            DashboardRecords.error(r.value()).ifPresentOrElse(e -> view.addError(e.key(), e.value()), view::refused);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        if (thread.isAlive()) {
            thread.join(10_000);
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
