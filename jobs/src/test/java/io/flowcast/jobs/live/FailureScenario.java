package io.flowcast.jobs.live;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.train.TrainingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The fixed input of the exactly-once comparison: {@value #SERIES} hourly series over {@value #HOURS}
 * hours, produced hour by hour (every series at t, then at t + 1h), each series to one partition, so
 * each partition is in event-time order and the trainer never sees an input after the watermark
 * passed it: the versions it publishes depend on the data alone. Mixed in: a malformed record every
 * {@value #BAD_EVERY} records (a dead letter from the parser), and for a few series a second event at
 * the same time and an event older than the last one (dead letters from the forecaster).
 *
 * <p>The values are a period-12 wave plus a 5-step sawtooth, shifted, scaled and offset per series,
 * with a missing value now and then: a net learns something the seasonal baseline cannot, so the
 * tiny recipe below publishes versions. It cuts windows from hour 33 on (window 6 + 2 seasons of 12
 * + horizon 3), accepts about 7 an hour and fits first at 40 windows, then every 24 hours: a first
 * version in {@link #phaseOne()} and more in phase two.
 */
final class FailureScenario {

    static final int SERIES = 300;
    static final int HOURS = 120;
    /** Phase one: hours [0, this). Phase two is produced once a first version is committed. */
    static final int PHASE_ONE_HOURS = 48;
    static final int PARTITIONS = 2;
    static final int BAD_EVERY = 997;
    static final int HORIZON = 3;
    static final String MODEL = "m";
    static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;

    /** One record to produce. */
    record Outgoing(int partition, byte[] key, byte[] value) {
    }

    private final List<Outgoing> phaseOne = new ArrayList<>();
    private final List<Outgoing> phaseTwo = new ArrayList<>();
    private int parserDeadLetters;
    private int forecasterDeadLetters;

    FailureScenario() {
        int sent = 0;
        for (int t = 0; t < HOURS; t++) {
            List<Outgoing> phase = t < PHASE_ONE_HOURS ? phaseOne : phaseTwo;
            for (int k = 0; k < SERIES; k++) {
                phase.add(event(k, t, value(k, t)));
                if (++sent % BAD_EVERY == 0) {
                    phase.add(new Outgoing(k % PARTITIONS, null, bytes("{\"key\":\"" + key(k) + "\",\"ts\":" + time(t)
                            + ",\"value\":\"not a number\"}")));
                    parserDeadLetters++;
                }
                if (k % 50 == 7 && t % 40 == 20) {
                    phase.add(event(k, t, 1f)); // a second event at the same time
                    forecasterDeadLetters++;
                }
                if (k % 50 == 11 && t % 40 == 30) {
                    phase.add(event(k, t - 3, 2f)); // older than the series' last event
                    forecasterDeadLetters++;
                }
            }
        }
    }

    /** The forecaster's settings: horizon 3, one model for every series, ensemble, persistence first. */
    static ForecastSettings forecastSettings() {
        return ForecastSettings.defaults().withHorizons(HORIZON).withModelNames(ModelNames.fixed(MODEL));
    }

    /**
     * Hourly grid; period 12, window 6, horizon 3, LSTM of 8, 60 replay windows, first fit at 40
     * windows, then every 24 h; fits take milliseconds.
     */
    static TrainingSettings trainingSettings() {
        return TrainingSettings.defaults(HORIZON, ModelNames.fixed(MODEL)).withStep(Duration.ofHours(1))
                .with("window", "6").with("season", "12").with("seasons", "2").with("hidden", "8")
                .with("samples", "60").with("min", "40").with("every", "24h").with("first", "10")
                .with("epochs", "3").with("margin", "0").with("seed", "7").with("lr", "0.01")
                .with("batch", "16").with("val", "0.2").with("patience", "2");
    }

    static String key(int k) {
        return String.format("s%03d", k);
    }

    static long time(int hour) {
        return T0 + hour * HOUR;
    }

    /** Step t of series k; odd series miss every 17th value (NaN: sent as null). */
    static float value(int k, int t) {
        if (k % 2 == 1 && t % 17 == 0) {
            return Float.NaN;
        }
        int s = t + k;
        float wave = (float) (100 + 30 * Math.sin(2 * Math.PI * s / 12) + 20 * ((s % 5) - 2));
        return (1 + k % 3) * wave + 5 * k;
    }

    private static Outgoing event(int k, int t, float value) {
        String number = Float.isNaN(value) ? "null" : Float.toString(value);
        return new Outgoing(k % PARTITIONS, bytes(key(k)),
                bytes("{\"key\":\"" + key(k) + "\",\"ts\":" + time(t) + ",\"value\":" + number + "}"));
    }

    /** One forecast per series and hour, none for the rejected events. */
    int expectedForecasts() {
        return SERIES * HOURS;
    }

    int expectedDeadLetters() {
        return parserDeadLetters + forecasterDeadLetters;
    }

    int records() {
        return phaseOne.size() + phaseTwo.size();
    }

    List<Outgoing> phaseOne() {
        return phaseOne;
    }

    List<Outgoing> phaseTwo() {
        return phaseTwo;
    }

    /** Produces {@code records} in order, acknowledged by the broker before it returns. */
    static void produce(String bootstrap, String topic, List<Outgoing> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // no reordering within a partition on retries
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Outgoing o : records) {
                producer.send(new ProducerRecord<>(topic, o.partition(), o.key(), o.value()));
            }
            producer.flush();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
