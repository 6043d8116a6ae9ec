package io.flowcast.jobs.feed;

import io.flowcast.jobs.json.ObservationJson;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays observations into the {@code observations} topic as JSON at a steady rate, on its own
 * thread. The record key is the series key, so one series stays in one partition, in order.
 * {@link #fed()} counts records the broker acknowledged.
 */
public final class Feeder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Feeder.class);

    private final Iterator<WideCsvSeries.Event> events;
    private final String topic;
    private final double eventsPerSecond;
    private final long limit;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong fed = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean done;

    /**
     * @param eventsPerSecond 0 or less: as fast as the producer goes
     * @param limit stop after this many events; 0 or less: until the data ends
     */
    public Feeder(String bootstrapServers, String topic, Iterator<WideCsvSeries.Event> events, double eventsPerSecond,
            long limit) {
        this(KafkaClientConfig.plain(bootstrapServers), topic, events, eventsPerSecond, limit);
    }

    /** @param kafka where to write, with the user's client settings (security and others) */
    public Feeder(KafkaClientConfig kafka, String topic, Iterator<WideCsvSeries.Event> events, double eventsPerSecond,
            long limit) {
        this.events = events;
        this.topic = topic;
        this.eventsPerSecond = eventsPerSecond;
        this.limit = limit;
        Properties props = kafka.producer();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "flowcast-feeder");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::feed, "flowcast-feeder");
        this.thread.setDaemon(true);
    }

    public Feeder start() {
        thread.start();
        return this;
    }

    /** Events acknowledged by the broker so far. */
    public long fed() {
        return fed.get();
    }

    /** True once every event up to the limit (or the end of the data) is acknowledged, or feeding failed. */
    public boolean done() {
        return done;
    }

    /** The error that stopped feeding early, if any. */
    public Exception failure() {
        return failure.get();
    }

    private void feed() {
        long started = System.nanoTime();
        double nanosPerEvent = eventsPerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) / eventsPerSecond : 0;
        long sent = 0;
        try {
            while (events.hasNext() && (limit <= 0 || sent < limit) && !Thread.currentThread().isInterrupted()) {
                if (nanosPerEvent > 0) {
                    // Schedule against the start, not the previous event, so pauses do not drift the rate.
                    long due = started + (long) (sent * nanosPerEvent);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                WideCsvSeries.Event e = events.next();
                byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, ObservationJson.write(e.key(), e.ts(), e.value())),
                        (metadata, error) -> {
                            if (error == null) {
                                fed.incrementAndGet();
                            } else {
                                failure.compareAndSet(null, error);
                            }
                        });
                sent++;
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // close() interrupted us: stopping on request is not a failure.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            done = true;
        }
        if (failure.get() != null) {
            LOG.error("feeding stopped after {} events", fed.get(), failure.get());
        } else {
            LOG.info("fed {} events in {} ms", fed.get(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
