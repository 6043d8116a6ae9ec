package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.testing.InProcessKafka;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 seeded records, every hostile kind {@link HostileTraffic} knows mixed into good traffic,
 * through the live job graph on the in-process broker with restart strategy none: the job runs to the
 * end, every good record gets exactly one forecast, every bad one exactly one dead letter with its
 * stable reason, and the per-reason counts equal the generator's. Prints the figures.
 */
class HostileInputEndToEndTest {

    private static final int TOTAL = 100_000;
    private static final int SERIES = 200;
    private static final int PARTITIONS = 2;
    private static final double BAD_SHARE = 0.10;
    private static final int EACH_LARGE = 3;
    private static final long SEED = 20261203L;
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    @Test
    @Timeout(300)
    void everyRecordEndsAsOneForecastOrOneDeadLetterWithItsReasonAndTheJobNeverFails() throws Exception {
        TopicNames topics = HostileRun.freshTopics(kafka, PARTITIONS);
        HostileTraffic traffic = HostileTraffic.generate(SEED, TOTAL, SERIES, PARTITIONS, BAD_SHARE, EACH_LARGE);
        assertThat(traffic.total()).isEqualTo(TOTAL);
        assertThat(traffic.sentPerKind().keySet()).as("every kind was sent")
                .containsAll(HostileTraffic.PARSE_KINDS.stream().map(HostileTraffic.Kind::name).toList())
                .contains("good", "late", "duplicate");

        long t0 = System.nanoTime();
        traffic.produce(kafka.bootstrapServers(), topics.observations());
        long t1 = System.nanoTime();
        HostileRun.runBounded(kafka, topics, PARTITIONS, false);
        long t2 = System.nanoTime();
        HostileRun.Figures f = HostileRun.assertAccountedFor(traffic, kafka, topics);
        long t3 = System.nanoTime();

        int bad = traffic.total() - traffic.expectedForecasts().size();
        assertThat(f.forecasts() + f.deadLetters()).isEqualTo(TOTAL);
        assertThat(f.deadLetters()).isEqualTo(bad);
        assertThat(f.truncated()).as("the large values over 64 KiB were cut").isEqualTo(3 * EACH_LARGE); // 900 KB garbage, 1 MB string value, 70,000-byte key

        System.out.printf(Locale.ROOT, "# hostile input: %d records (%.1f MB), %d series, %d partitions, seed %d%n",
                TOTAL, traffic.totalBytes() / 1e6, SERIES, PARTITIONS, SEED);
        System.out.printf(Locale.ROOT, "# forecasts %d, dead letters %d (%d with the value cut to 64 KiB, largest %d bytes)%n",
                f.forecasts(), f.deadLetters(), f.truncated(), f.largestDeadLetterBytes());
        System.out.println("# dead letters per reason: " + f.deadLettersPerReason());
        System.out.println("# records sent per kind: " + traffic.sentPerKind());
        System.out.printf(Locale.ROOT, "# wall time: produce %.1f s, job %.1f s, read and check %.1f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }
}
