package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.testing.InProcessKafka;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Each class of poison record that once stopped or stalled the live job, as one record (of each of its
 * kinds) in every partition in the middle of good traffic: the job, with restart strategy none and the
 * trainer on as {@code run} has it, runs to the end; every good record before and after gets its
 * forecast (committed, read_committed) and the poison its dead letter with its stable reason.
 */
class PoisonRecordEndToEndTest {

    private static final int PARTITIONS = 2;
    private static final int SERIES = 4;
    /** 150 events per series: past the 101 the step is detected from. */
    private static final int GOOD = 600;
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    /** Runs the poison of {@code poisonClass} among good traffic; returns the figures after checking them. */
    private static HostileRun.Figures run(int poisonClass) throws Exception {
        List<HostileTraffic.Kind> poison = HostileTraffic.poisonClass(poisonClass);
        assertThat(poison).isNotEmpty();
        TopicNames topics = HostileRun.freshTopics(kafka, PARTITIONS);
        HostileTraffic traffic = HostileTraffic.withPoison(poisonClass, GOOD, SERIES, PARTITIONS, poison, GOOD / 2);
        traffic.produce(kafka.bootstrapServers(), topics.observations());
        HostileRun.runBounded(kafka, topics, PARTITIONS, true);
        HostileRun.Figures figures = HostileRun.assertAccountedFor(traffic, kafka, topics);
        assertThat(figures.forecasts()).isEqualTo(GOOD);
        assertThat(figures.deadLetters()).isEqualTo(poison.size() * PARTITIONS);
        return figures;
    }

    @Test
    @Timeout(120)
    void aRecordOfAboutOneMegabyteGetsABoundedDeadLetterInsteadOfFailingTheSink() throws Exception {
        HostileRun.Figures f = run(1);
        assertThat(f.truncated()).as("every large value was cut to 64 KiB").isEqualTo(f.deadLetters());
        assertThat(f.deadLettersPerReason()).containsOnlyKeys("not-json", "bad-value");
    }

    @Test
    @Timeout(120)
    void aKeyOfMoreThan65535BytesOrNotUtf8OrWithALoneSurrogateIsBadKey() throws Exception {
        assertThat(run(2).deadLettersPerReason()).containsOnlyKeys("bad-key");
    }

    @Test
    @Timeout(120)
    void timesAtTheEndsOfTheLongRangeAreBadTimeAndLongMinOnANewSeriesIsNotADuplicate() throws Exception {
        assertThat(run(3).deadLettersPerReason()).containsOnlyKeys("bad-time");
    }

    @Test
    @Timeout(120)
    void aFarFutureEventInEveryPartitionPoisonsNeitherItsSeriesNorTheWatermark() throws Exception {
        // Were they accepted, every later event of series 0 and 1 would be "late" (and missing a forecast).
        assertThat(run(4).deadLettersPerReason()).containsOnlyKeys("future-time");
    }

    @Test
    @Timeout(120)
    void aRecordInUtf16OrUtf32OrWithAByteOrderMarkIsNotJson() throws Exception {
        assertThat(run(5).deadLettersPerReason()).containsOnlyKeys("not-json");
    }
}
