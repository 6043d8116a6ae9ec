package io.flowcast.jobs.live;

import io.flowcast.jobs.models.ModelRecord;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.score.ForecastError;
import io.flowcast.jobs.score.ForecastErrorJson;
import io.flowcast.jobs.score.ScoringSettings;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.ObservationScenario;
import io.flowcast.jobs.testing.PublishedSchemas;
import io.flowcast.jobs.testing.ReadCommitted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The whole job against a real in-process Kafka broker and a local Flink MiniCluster: JSON in,
 * exactly-once forecasts and dead letters out, read back as a {@code read_committed} consumer.
 */
class ForecastJobEndToEndTest {

    private static final int PARTITIONS = 2;
    private static final int HORIZON = 3;
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    @Test
    @Timeout(60)
    void everyGoodRecordGivesOneForecastAndEveryBadOneADeadLetterWithItsReason() throws Exception {
        TopicNames topics = freshTopics();
        ObservationScenario scenario = ObservationScenario.generate(1200, 5, 25, PARTITIONS);
        scenario.produce(kafka.bootstrapServers(), topics.observations());

        runBoundedJob(topics, forecaster(), 1);

        assertOutputsMatch(scenario, topics);
    }

    @Test
    @Timeout(60)
    void aFailureAfterACheckpointIsRecoveredWithoutLossOrDuplicates() throws Exception {
        TopicNames topics = freshTopics();
        ObservationScenario scenario = ObservationScenario.generate(1200, 5, 25, PARTITIONS);
        scenario.produce(kafka.bootstrapServers(), topics.observations());
        FailOnceAfterCheckpoint.reset(scenario.expectedForecasts().size() / 2);

        runBoundedJob(topics, new FailingOnceStage(forecaster()), 3);

        assertThat(FailOnceAfterCheckpoint.FAILED).as("the injected failure happened").isTrue();
        assertThat(FailOnceAfterCheckpoint.RESTORED).as("the restart restored a checkpoint").isTrue();
        assertOutputsMatch(scenario, topics);
    }

    /** The live job's keyed forecaster; before any trained model it forecasts by persistence. */
    private static ForecastStage forecaster() {
        return new ForecastPipeline(ForecastSettings.defaults().withHorizons(HORIZON));
    }

    private static TopicNames freshTopics() throws InterruptedException {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.createTopics(topics, PARTITIONS);
        return topics;
    }

    private static void runBoundedJob(TopicNames topics, ForecastStage stage, int restartAttempts) throws Exception {
        String id = "e2e-" + UUID.randomUUID();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), topics, id, id, Duration.ofMinutes(1));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // a Kryo fallback anywhere fails the test
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARTITIONS, conf);
        env.enableCheckpointing(200, CheckpointingMode.EXACTLY_ONCE);
        new ForecastJob(
                KafkaConnectors.observationSource(settings, OffsetsInitializer.earliest(), true),
                stage,
                KafkaConnectors.forecastSink(settings),
                KafkaConnectors.deadLetterSink(settings),
                ForecastJob.Settings.defaults())
                .withScoring(new ScoringSettings(HORIZON, 50, Duration.ZERO), KafkaConnectors.forecastErrorSink(settings))
                .addTo(env);
        env.execute("end-to-end test " + topics.observations());
    }

    private static void assertOutputsMatch(ObservationScenario scenario, TopicNames topics) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> forecastRecords =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecasts(), Duration.ofSeconds(20));
        List<ConsumerRecord<byte[], byte[]>> deadLetterRecords =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.deadLetters(), Duration.ofSeconds(20));

        int bad = scenario.expectedDeadLetters().size();
        assertThat(bad).isGreaterThanOrEqualTo(ObservationScenario.badKinds());
        assertThat(forecastRecords).as("exactly N - bad forecasts").hasSize(scenario.total() - bad);
        assertThat(deadLetterRecords).as("exactly one dead letter per bad record").hasSize(bad);

        Map<String, Float> levels = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecastRecords) {
            assertThat(PublishedSchemas.validate(PublishedSchemas.FORECASTS, r.value())).isEmpty();
            Forecast f = ForecastJson.read(r.value());
            assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(f.key);
            assertThat(f.values).hasSize(HORIZON);
            assertThat(f.modelVersion).isZero();
            Float previous = levels.put(f.key + "@" + f.eventTime, f.values[0]);
            assertThat(previous).as("duplicate forecast for " + f.key + "@" + f.eventTime).isNull();
            for (float v : f.values) {
                assertThat(v).isEqualTo(f.values[0]);
            }
        }
        assertThat(levels).isEqualTo(scenario.expectedForecasts());
        assertErrorsMatch(forecastRecords, topics);

        Map<String, String> reasons = new HashMap<>();
        List<String> rawMismatches = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetterRecords) {
            assertThat(PublishedSchemas.validate(PublishedSchemas.DEAD_LETTERS, r.value())).isEmpty();
            DeadLetter d = DeadLetterJson.read(r.value());
            assertThat(d.topic).isEqualTo(topics.observations());
            String where = d.partition + "@" + d.offset;
            assertThat(reasons.put(where, d.reason)).as("duplicate dead letter for " + where).isNull();
            byte[] sent = scenario.sentValue(where);
            String expectedRaw = sent == null ? null : Base64.getEncoder().encodeToString(sent);
            if (!java.util.Objects.equals(expectedRaw, d.rawBase64)) {
                rawMismatches.add(where);
            }
        }
        assertThat(reasons).isEqualTo(scenario.expectedDeadLetters());
        assertThat(rawMismatches).as("dead letters carry the raw bytes").isEmpty();
        assertThat(new HashSet<>(reasons.values())).containsExactlyInAnyOrder(
                "not-json", "no-key", "bad-time", "bad-value", "feature-count", "no-value");
    }

    /**
     * Exactly one error record per matured (series, origin, horizon), computed here from the forecasts
     * as read back (they carry the value observed at their event): the forecast made at the series'
     * i-th event for horizon h against the value of its (i+h)-th, persistence the last value at or before i.
     */
    private static void assertErrorsMatch(List<ConsumerRecord<byte[], byte[]>> forecastRecords, TopicNames topics)
            throws Exception {
        Map<String, List<Forecast>> bySeries = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : forecastRecords) {
            Forecast f = ForecastJson.read(r.value());
            bySeries.computeIfAbsent(f.key, k -> new ArrayList<>()).add(f);
        }
        Map<String, String> expected = new HashMap<>();
        for (List<Forecast> series : bySeries.values()) {
            series.sort(java.util.Comparator.comparingLong(f -> f.eventTime));
            float lastFinite = Float.NaN;
            for (int i = 0; i < series.size(); i++) {
                Forecast origin = series.get(i);
                if (!Float.isNaN(origin.observed)) {
                    lastFinite = origin.observed;
                }
                for (int h = 1; h <= HORIZON && i + h < series.size(); h++) {
                    float actual = series.get(i + h).observed;
                    float forecast = origin.values[h - 1];
                    if (!Float.isNaN(actual) && !Float.isNaN(forecast)) {
                        expected.put(origin.key + "@" + origin.eventTime + "+" + h,
                                forecast + " " + actual + " " + lastFinite + " " + series.get(i + h).eventTime);
                    }
                }
            }
        }
        List<ConsumerRecord<byte[], byte[]>> errorRecords =
                ReadCommitted.readAll(kafka.bootstrapServers(), topics.forecastErrors(), Duration.ofSeconds(20));
        Map<String, String> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : errorRecords) {
            assertThat(PublishedSchemas.validate(PublishedSchemas.FORECAST_ERRORS, r.value())).isEmpty();
            ForecastError e = ForecastErrorJson.read(r.value());
            String id = e.key() + "@" + e.originTime() + "+" + e.horizon();
            assertThat(actual.put(id, e.forecast() + " " + e.actual() + " " + e.persistence() + " " + e.targetTime()))
                    .as("duplicate error record " + id).isNull();
        }
        assertThat(expected).as("scenario has matured pairs").hasSizeGreaterThan(1000);
        assertThat(actual).isEqualTo(expected);
    }

    /** Puts a failure injector in front of another stage. */
    private record FailingOnceStage(ForecastStage inner) implements ForecastStage {
        @Override
        public Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models) {
            return inner.apply(observations.map(new FailOnceAfterCheckpoint()).name("failure injector").uid("failure-injector"), models);
        }
    }

    /**
     * Throws once, at the first record after {@code failAt} records have passed and a checkpoint has
     * completed (so recovery is from that checkpoint, not from scratch). Slows each record a little
     * so the bounded input outlives a few checkpoints. Static state: the same JVM runs every attempt.
     */
    private static final class FailOnceAfterCheckpoint
            implements MapFunction<Observation, Observation>, CheckpointedFunction, CheckpointListener {

        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicBoolean RESTORED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicInteger CHECKPOINTS_COMPLETED = new AtomicInteger();
        static volatile int failAt;

        private transient ListState<Integer> marker;

        static void reset(int failAfter) {
            FAILED.set(false);
            RESTORED.set(false);
            SEEN.set(0);
            CHECKPOINTS_COMPLETED.set(0);
            failAt = failAfter;
        }

        @Override
        public Observation map(Observation o) {
            LockSupport.parkNanos(2_000_000);
            if (SEEN.incrementAndGet() >= failAt && CHECKPOINTS_COMPLETED.get() > 0 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + SEEN.get() + " records");
            }
            return o;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS_COMPLETED.incrementAndGet();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            marker.update(List.of(1));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            marker = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("marker", Types.INT));
            if (context.isRestored()) {
                RESTORED.set(true);
            }
        }
    }
}
