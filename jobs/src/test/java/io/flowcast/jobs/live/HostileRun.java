package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.PublishedSchemas;
import io.flowcast.jobs.testing.ReadCommitted;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs the live job graph ({@link ForecastJob}) over {@link HostileTraffic} on the in-process broker
 * and checks what a {@code read_committed} consumer sees against what the traffic says must come out.
 * The job runs with restart strategy {@code none}: one record that fails a task fails the job, and so
 * the test, instead of hiding in a restart loop.
 */
final class HostileRun {

    static final int HORIZON = 3;
    /** Largest dead letter accepted: far below the producer's 1 MiB request limit. */
    static final int MAX_DEAD_LETTER_BYTES = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What came out, for the record. */
    record Figures(int forecasts, int deadLetters, Map<String, Integer> deadLettersPerReason, int truncated,
            int largestDeadLetterBytes) {
    }

    private HostileRun() {
    }

    static TopicNames freshTopics(InProcessKafka kafka, int partitions) throws InterruptedException {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.createTopics(topics, partitions);
        return topics;
    }

    /**
     * Runs the job over everything on the topic, to its end; throws if any task failed.
     *
     * @param training with the trainer of the default recipe, as {@code run} has it (its step detection
     *     sees every accepted time)
     */
    static void runBounded(InProcessKafka kafka, TopicNames topics, int parallelism, boolean training) throws Exception {
        String id = "hostile-" + UUID.randomUUID();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, id, id, Duration.ofMinutes(1));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
        ForecastSettings forecast = ForecastSettings.defaults().withHorizons(HORIZON);
        ForecastJob job = new ForecastJob(
                KafkaConnectors.observationSource(settings, OffsetsInitializer.earliest(), true),
                new ForecastPipeline(forecast),
                KafkaConnectors.forecastSink(settings),
                KafkaConnectors.deadLetterSink(settings),
                ForecastJob.Settings.defaults());
        if (training) {
            job.withTraining(new TrainingPipeline(TrainingSettings.defaults(HORIZON, forecast.modelNames())),
                    KafkaConnectors.modelSink(settings));
        }
        job.addTo(env);
        env.execute("hostile input " + topics.observations());
    }

    /** Asserts every record is accounted for exactly once, as {@code traffic} expects; returns the figures. */
    static Figures assertAccountedFor(HostileTraffic traffic, InProcessKafka kafka, TopicNames topics) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> forecastRecords =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecasts(), Duration.ofSeconds(60));
        List<ConsumerRecord<byte[], byte[]>> deadLetterRecords =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.deadLetters(), Duration.ofSeconds(60));

        Map<String, Float> levels = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecastRecords) {
            Forecast f = ForecastJson.read(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(f.key);
            assertThat(f.values).hasSize(HORIZON);
            Float previous = levels.put(f.key + "@" + f.eventTime, f.values[0]);
            assertThat(previous).as("duplicate forecast for %s@%d", f.key, f.eventTime).isNull();
        }
        assertThat(levels.size()).as("one forecast per good record").isEqualTo(traffic.expectedForecasts().size());
        assertThat(levels).as("the forecasts of exactly the good records, at the persistence level")
                .isEqualTo(traffic.expectedForecasts());

        Map<String, String> parseReasons = new HashMap<>();
        List<String> forecasterReasons = new ArrayList<>();
        Map<String, Integer> perReason = new TreeMap<>();
        List<String> rawMismatches = new ArrayList<>();
        int truncated = 0;
        int largest = 0;
        for (ConsumerRecord<byte[], byte[]> r : deadLetterRecords) {
            largest = Math.max(largest, r.value().length);
            assertThat(r.value().length).as("a bounded dead letter").isLessThan(MAX_DEAD_LETTER_BYTES);
            assertThat(PublishedSchemas.validate(PublishedSchemas.DEAD_LETTERS, r.value())).isEmpty();
            DeadLetter d = DeadLetterJson.read(r.value());
            perReason.merge(d.reason, 1, Integer::sum);
            truncated += d.rawTruncated ? 1 : 0;
            if (d.topic.equals(topics.observations())) {
                String where = d.partition + "@" + d.offset;
                assertThat(parseReasons.put(where, d.reason)).as("duplicate dead letter for %s", where).isNull();
                byte[] sent = traffic.sentValue(where);
                if (!rawMatches(sent, d)) {
                    rawMismatches.add(where);
                }
            } else {
                assertThat(d.topic).isEqualTo("forecast");
                JsonNode raw = JSON.readTree(Base64.getDecoder().decode(d.rawBase64));
                forecasterReasons.add(d.reason + " " + raw.get("key").textValue() + "@" + raw.get("ts").longValue());
            }
        }
        assertThat(parseReasons).as("the parse stage's dead letters, by partition@offset")
                .isEqualTo(traffic.expectedParseDeadLetters());
        assertThat(forecasterReasons.stream().sorted().toList()).as("the forecaster's dead letters")
                .isEqualTo(traffic.expectedForecasterDeadLetters());
        assertThat(rawMismatches).as("dead letters carry (the first 64 KiB of) the raw bytes and their size").isEmpty();
        assertThat(perReason).as("dead letters per reason").isEqualTo(traffic.expectedPerReason());
        return new Figures(forecastRecords.size(), deadLetterRecords.size(), perReason, truncated, largest);
    }

    private static boolean rawMatches(byte[] sent, DeadLetter d) {
        if (sent == null) {
            return d.rawBase64 == null && d.rawSize == 0 && !d.rawTruncated;
        }
        byte[] kept = Arrays.copyOf(sent, Math.min(sent.length, DeadLetter.MAX_RAW_BYTES));
        return d.rawSize == sent.length && d.rawTruncated == (sent.length > DeadLetter.MAX_RAW_BYTES)
                && Arrays.equals(Base64.getDecoder().decode(d.rawBase64), kept);
    }
}
