package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.live.InjectedFailures.Where;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.train.TrainingPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly once under failure, against an uninterrupted run: the live job with training on (Kafka in,
 * keyed forecaster, trainer, versions published to {@code models} and swapped back in, exactly-once
 * sinks) runs the same input ({@link FailureScenario}) once without failure (HashMap backend: the
 * reference) and then with one failure injected inside the forecaster or inside the trainer
 * ({@link InjectedFailures}), after a checkpoint completed, on the HashMap and RocksDB backends. What
 * each run committed is compared with the reference record for record ({@link RunComparison}):
 * nothing lost, duplicated or added, no gap in any series, every model version published once and
 * byte-identical (without the fit's wall time), every dead letter once, and identical forecast bytes
 * wherever the series was served by the same versions. The figures are printed.
 *
 * <p>Idleness is off: with it, a partition held back for longer than the timeout (a busy machine, a
 * restart) would stop holding back the watermark, the trainer could then see windows after the
 * watermark passed them, and the versions would depend on timing (see docs/reliability.md).
 */
class ExactlyOnceUnderFailureITCase {

    /** Phase two is produced once a version is committed; the trainer then publishes v2 and later ones. */
    private static final long TRAINER_FAILS_AT_VERSION = 2;
    /** The forecaster's failure is armed this many events into phase two. */
    private static final int FORECASTER_FAILS_INTO_PHASE_TWO = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path checkpoints;
    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();
    private static FailureScenario scenario;
    private static CommittedOutputs reference;

    @BeforeAll
    static void runWithoutFailure() throws Exception {
        scenario = new FailureScenario();
        InjectedFailures.PLAN.reset(Where.NONE, 0, 0);
        reference = run("hashmap", Where.NONE);
    }

    @Test
    void theFailureFreeRunCommitsOneForecastPerEventAndSwapsInATrainedVersion() {
        System.out.printf(Locale.ROOT, "ExactlyOnceUnderFailureITCase reference (hashmap, no failure): %,d records in,"
                        + " %,d forecasts (by version %s), %d models %s, %d dead letters%n", scenario.records(),
                reference.forecastCount(), reference.forecastsByVersion(), reference.models().size(),
                RunComparison.describe(reference.models()), reference.deadLetters().size());
        assertThat(reference.forecasts()).hasSize(FailureScenario.SERIES);
        reference.forecasts().forEach((key, byTime) -> {
            assertThat(byTime).as(key).hasSize(FailureScenario.HOURS);
            byTime.forEach((t, list) -> assertThat(list).as("%s@%d", key, t).hasSize(1));
        });
        assertThat(reference.deadLetters()).hasSize(scenario.expectedDeadLetters());
        assertThat(reference.models()).as("versions published").hasSizeGreaterThanOrEqualTo(2);
        // Phase one by the baseline; phase two by v1 at least (later versions arrive when the wall clock says).
        assertThat(reference.forecastsByVersion()).as("forecasts by version").containsKeys(0L, 1L);
        assertThat(reference.forecastsByVersion().get(1L)).isGreaterThan(FailureScenario.SERIES);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("hashmap", Where.FORECASTER),
                Arguments.of("hashmap", Where.TRAINER),
                Arguments.of("rocksdb", Where.FORECASTER),
                Arguments.of("rocksdb", Where.TRAINER));
    }

    @ParameterizedTest(name = "{0}, failure in the {1}")
    @MethodSource("failures")
    @Timeout(150)
    void aFailureAfterACheckpointChangesNothingThatWasCommitted(String backend, Where where) throws Exception {
        InjectedFailures.PLAN.reset(where, scenario.phaseOne().size() + FORECASTER_FAILS_INTO_PHASE_TWO,
                TRAINER_FAILS_AT_VERSION);

        CommittedOutputs run = run(backend, where);

        RunComparison c = RunComparison.of(reference, run);
        System.out.printf(Locale.ROOT, "ExactlyOnceUnderFailureITCase %s, failure in the %s: failures injected %d (%s),"
                        + " restored from a checkpoint: %s | %s%n", backend, where,
                InjectedFailures.PLAN.failed.get() ? 1 : 0, InjectedFailures.PLAN.what,
                InjectedFailures.PLAN.restored.get(), c.figures());
        assertThat(InjectedFailures.PLAN.failed).as("the injected failure happened").isTrue();
        assertThat(InjectedFailures.PLAN.restored).as("the restart restored a checkpoint").isTrue();
        assertThat(c.exact()).as(c.figures()).isTrue();
        // At least phase one's, served by the baseline in both runs, and phase two's until the second version came.
        assertThat(c.sameHistory()).as("forecasts compared byte for byte").isGreaterThan(scenario.expectedForecasts() / 4);
        assertThat(run.models()).as("versions").hasSameSizeAs(reference.models());
    }

    /** One run of the live job on fresh topics; returns what it committed. */
    private static CommittedOutputs run(String backend, Where where) throws Exception {
        TopicNames topics = TopicNames.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.createTopics(topics, FailureScenario.PARTITIONS);
        String id = "exactly-once-" + UUID.randomUUID();
        KafkaSettings kafkaSettings = new KafkaSettings(kafka.bootstrapServers(), topics, id, id, Duration.ofMinutes(1));

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.resolve(id).toUri().toString());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(FailureScenario.PARTITIONS, conf);
        env.enableCheckpointing(200, CheckpointingMode.EXACTLY_ONCE);

        ForecastPipeline stage = new ForecastPipeline(FailureScenario.forecastSettings());
        TrainingPipeline training = new TrainingPipeline(FailureScenario.trainingSettings());
        if (where != Where.NONE) {
            stage = stage.withFunctions(InjectedFailures.Forecaster::new);
            training = new TrainingPipeline(FailureScenario.trainingSettings(), InjectedFailures.Trainer::new);
        }
        new ForecastJob(
                KafkaConnectors.observationSource(kafkaSettings, OffsetsInitializer.earliest(), false),
                KafkaConnectors.modelSource(kafkaSettings),
                stage,
                KafkaConnectors.forecastSink(kafkaSettings),
                KafkaConnectors.deadLetterSink(kafkaSettings),
                new ForecastJob.Settings(1, Duration.ofMinutes(1), Duration.ZERO))
                .withTraining(training, KafkaConnectors.modelSink(kafkaSettings))
                .addTo(env);

        String bootstrap = kafka.bootstrapServers();
        JobClient job = env.executeAsync("exactly once, " + backend + ", failure: " + where);
        try {
            FailureScenario.produce(bootstrap, topics.observations(), scenario.phaseOne());
            await(job, () -> CommittedOutputs.countModels(bootstrap, topics) >= 1, "a first version committed");
            Thread.sleep(1_000); // the forecaster's model source reads it: phase two is served by it
            FailureScenario.produce(bootstrap, topics.observations(), scenario.phaseTwo());
            await(job, () -> CommittedOutputs.countForecasts(bootstrap, topics) >= scenario.expectedForecasts(),
                    scenario.expectedForecasts() + " forecasts committed");
            await(job, () -> CommittedOutputs.countDeadLetters(bootstrap, topics) >= scenario.expectedDeadLetters(),
                    scenario.expectedDeadLetters() + " dead letters committed");
            if (where == Where.NONE) {
                awaitNoNewModels(job, bootstrap, topics); // the last fits follow the last watermark
            } else {
                int versions = reference.models().size();
                await(job, () -> CommittedOutputs.countModels(bootstrap, topics) >= versions,
                        versions + " versions committed");
                Thread.sleep(1_000); // a duplicate, if any, would be committed by the next checkpoints
            }
        } finally {
            job.cancel().get();
        }
        return CommittedOutputs.read(bootstrap, topics);
    }

    private static void awaitNoNewModels(JobClient job, String bootstrap, TopicNames topics) throws Exception {
        int seen = -1;
        int now = CommittedOutputs.countModels(bootstrap, topics);
        while (now != seen) {
            seen = now;
            Thread.sleep(3_000);
            checkRunning(job);
            now = CommittedOutputs.countModels(bootstrap, topics);
        }
    }

    private static void await(JobClient job, BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            checkRunning(job);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(500);
        }
    }

    private static void checkRunning(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            job.getJobExecutionResult().get(); // throws the job's failure
            throw new AssertionError("the job ended: " + status);
        }
    }
}
