package io.flowcast.jobs.cli;

import io.flowcast.jobs.ingest.SeriesKeys;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.live.ForecastJob;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.score.ScoringSettings;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that define the live job graph on Kafka, shared by {@code run} and the cluster entry
 * point (the deploy module), so that both build the same job from the same flags.
 */
public final class JobOptions {

    @Mixin
    ForecastOptions forecast;

    @Mixin
    TrainingOptions training;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Option(names = "--train-only", description = "Only train and publish to the models topic; another job (run with --no-train) forecasts.")
    boolean trainOnly;

    @Option(names = "--model-name", defaultValue = ForecastSettings.DEFAULT_MODEL,
            description = "The model this job trains and serves: the key of its records on the models topic (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--features", defaultValue = "1",
            description = "Numbers per observation; others are dead-lettered as feature-count (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--max-out-of-orderness", defaultValue = "1min", converter = DurationConverter.class,
            description = "Watermark delay behind the highest event time seen (default: ${DEFAULT-VALUE}).")
    Duration maxOutOfOrderness;

    @Option(names = "--idleness", defaultValue = "10s", converter = DurationConverter.class,
            description = "A source subtask without data this long stops holding back the watermark; 0 = never "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--max-key-bytes", defaultValue = "" + SeriesKeys.DEFAULT_MAX_BYTES,
            description = "Longest series key accepted, in UTF-8 bytes; longer ones are dead-lettered as bad-key "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxKeyBytes;

    @Option(names = "--max-ahead", defaultValue = "1d", converter = DurationConverter.class,
            description = "An event further ahead of the wall clock is dead-lettered as future-time before it reaches "
                    + "its series or the watermark; 0 = no limit (default: ${DEFAULT-VALUE}).")
    Duration maxAhead;

    @Option(names = "--topic-observations", defaultValue = "observations", description = "(default: ${DEFAULT-VALUE})")
    String topicObservations;
    @Option(names = "--topic-forecasts", defaultValue = "forecasts", description = "(default: ${DEFAULT-VALUE})")
    String topicForecasts;
    @Option(names = "--topic-dead-letters", defaultValue = "dead-letters", description = "(default: ${DEFAULT-VALUE})")
    String topicDeadLetters;
    @Option(names = "--topic-models", defaultValue = "models", description = "(default: ${DEFAULT-VALUE})")
    String topicModels;
    @Option(names = "--topic-forecast-errors", defaultValue = "forecast-errors", description = "(default: ${DEFAULT-VALUE})")
    String topicForecastErrors;

    @Option(names = "--no-scoring", description = "Do not score forecasts (no forecast-errors records, no anomaly flags).")
    boolean noScoring;

    @Option(names = "--score-window", defaultValue = "" + ScoringSettings.DEFAULT_WINDOW,
            description = "Matured forecasts per series and horizon the rolling errors (and an anomaly band without "
                    + "quantile outputs) are taken over (default: ${DEFAULT-VALUE}).")
    int scoreWindow;

    @Option(names = "--anomaly-z", defaultValue = "" + ScoringSettings.DEFAULT_ANOMALY_Z,
            description = "An observation is an anomaly when it lies more than this many standard deviations of the "
                    + "one-step error from the one-step forecast (default: ${DEFAULT-VALUE}).")
    double anomalyZ;

    @Option(names = "--group-id", defaultValue = "flowcast", description = "Consumer group of the job's source.")
    String groupId;

    @Option(names = "--transactional-id-prefix", defaultValue = "flowcast",
            description = "Unique per job on a Kafka cluster and stable across its restarts (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;

    @Option(names = "--transaction-timeout", defaultValue = "2min", converter = DurationConverter.class,
            description = "Producer transaction.timeout.ms: above the checkpoint interval, below the broker's "
                    + "transaction.max.timeout.ms (15min) (default: ${DEFAULT-VALUE}).")
    Duration transactionTimeout;

    public TopicNames topics() {
        return new TopicNames(topicObservations, topicForecasts, topicDeadLetters, topicModels, topicForecastErrors);
    }

    public String groupId() {
        return groupId;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    public ForecastJob.Settings jobSettings() {
        return new ForecastJob.Settings(features, maxOutOfOrderness, idleness, maxKeyBytes, maxAhead);
    }

    public KafkaSettings kafka(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, topics(), groupId, transactionalIdPrefix, transactionTimeout,
                kafkaClient.properties());
    }

    /** The Kafka client settings ({@code --kafka-property}, {@code --kafka-properties}, {@code --kafka-timeout}). */
    public KafkaClientOptions kafkaClient() {
        return kafkaClient;
    }

    /**
     * The forecasting stage the live job runs: the same keyed forecaster as the backtest. With
     * {@code --train-only} it runs too, for the training windows it cuts, but publishes nothing.
     */
    public ForecastStage stage() {
        return new ForecastPipeline(forecast.settings(features).withModelNames(ModelNames.fixed(modelName)));
    }

    /** How the job scores its forecasts, or null with {@code --no-scoring}. */
    public ScoringSettings scoring() {
        if (noScoring) {
            return null;
        }
        ForecastSettings f = forecast.settings(features);
        return new ScoringSettings(f.horizons(), scoreWindow, f.seriesTtl(), anomalyZ, modelName);
    }

    /** Whether this job only trains (its forecasts are another job's). */
    public boolean trainOnly() {
        return trainOnly;
    }

    /** The training path for the same model, or null with {@code --no-train}. */
    public TrainingPipeline training() {
        TrainingSettings settings = training.settings(forecast.horizon, ModelNames.fixed(modelName));
        return settings == null ? null : new TrainingPipeline(settings);
    }

    /** The live job on Kafka: forecasting, and training unless {@code --no-train}. */
    public ForecastJob onKafka(KafkaSettings kafka) {
        TrainingPipeline t = training();
        if (trainOnly && t == null) {
            throw new IllegalArgumentException("--train-only and --no-train leave nothing to run");
        }
        ForecastJob job = ForecastJob.onKafka(kafka, stage(), jobSettings());
        if (t != null) {
            job.withTraining(t, KafkaConnectors.modelSink(kafka));
        }
        ScoringSettings scoring = scoring();
        if (scoring != null) {
            job.withScoring(scoring, KafkaConnectors.forecastErrorSink(kafka));
        }
        return trainOnly ? job.trainingOnly() : job;
    }
}
