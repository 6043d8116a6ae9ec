package io.flowcast.jobs.live;


import static org.apache.flink.util.Preconditions.checkNotNull;

import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.ingest.FutureTimeRule;
import io.flowcast.jobs.ingest.ObservationParser;
import io.flowcast.jobs.ingest.ObservationWatermarks;
import io.flowcast.jobs.ingest.ParseObservations;
import io.flowcast.jobs.ingest.SeriesKeys;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.score.ForecastError;
import io.flowcast.jobs.score.ForecastErrorSerializer;
import io.flowcast.jobs.score.ForecastKey;
import io.flowcast.jobs.score.ForecastScorer;
import io.flowcast.jobs.score.ScoringSettings;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The live forecasting job graph: raw records -> parse + validate (bad ones to dead letters) ->
 * event time -> the injected {@link ForecastStage} -> forecasts and dead letters. Source, stage and
 * sinks are constructor parameters, so the command line wires Kafka and tests can wire whatever
 * they need around the same graph. Operator uids are fixed so savepoints survive code changes.
 */
public final class ForecastJob {

    /**
     * @param expectedFeatures numbers per observation (1: univariate)
     * @param maxOutOfOrderness how far event time may go backwards before an event counts as late
     * @param idleness a source subtask without data for this long stops holding back the watermark
     *     (zero: never)
     * @param maxKeyBytes the longest series key accepted, in UTF-8 bytes ({@code bad-key} beyond)
     * @param maxAhead how far ahead of the wall clock an event may be ({@code future-time} beyond; zero: any)
     */
    public record Settings(int expectedFeatures, Duration maxOutOfOrderness, Duration idleness, int maxKeyBytes,
            Duration maxAhead) implements Serializable {

        /** With the default input limits ({@link #defaults()}'s key length and time ahead). */
        public Settings(int expectedFeatures, Duration maxOutOfOrderness, Duration idleness) {
            this(expectedFeatures, maxOutOfOrderness, idleness, SeriesKeys.DEFAULT_MAX_BYTES, FutureTimeRule.DEFAULT_MAX_AHEAD);
        }

        public static Settings defaults() {
            return new Settings(1, Duration.ofMinutes(1), Duration.ofSeconds(10));
        }
    }

    private final Source<RawKafkaRecord, ?, ?> source;
    /** Published models (null: none; the stage serves only what it was built with). */
    private final Source<ModelRecord, ?, ?> models;
    private final ForecastStage stage;
    private final Sink<Forecast> forecastSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final Settings settings;
    /** The training path and where it publishes; null: this job only forecasts. */
    private TrainingPipeline training;
    private Sink<ModelRecord> modelSink;
    /** How forecasts are scored, and where the errors go; null: not scored. */
    private ScoringSettings scoring;
    private Sink<ForecastError> errorSink;
    /** False: a training-only job, whose forecasts another job makes and publishes. */
    private boolean publishForecasts = true;

    public ForecastJob(Source<RawKafkaRecord, ?, ?> source, ForecastStage stage, Sink<Forecast> forecastSink,
            Sink<DeadLetter> deadLetterSink, Settings settings) {
        this(source, null, stage, forecastSink, deadLetterSink, settings);
    }

    /** @param models the published model versions, broadcast to the forecaster; null: none */
    public ForecastJob(Source<RawKafkaRecord, ?, ?> source, Source<ModelRecord, ?, ?> models, ForecastStage stage,
            Sink<Forecast> forecastSink, Sink<DeadLetter> deadLetterSink, Settings settings) {
        this.source = source;
        this.models = models;
        this.stage = stage;
        this.forecastSink = forecastSink;
        this.deadLetterSink = deadLetterSink;
        this.settings = settings;
    }

    /**
     * The live job on Kafka, as {@code run} and a Flink cluster run it: an unbounded source that
     * resumes from the consumer group's committed offsets (a new group starts at the beginning) and
     * exactly-once sinks for forecasts and dead letters; models from the {@code models} topic.
     */
    public static ForecastJob onKafka(KafkaSettings kafka, ForecastStage stage, Settings settings) {
        return new ForecastJob(
                KafkaConnectors.observationSource(kafka, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), false),
                KafkaConnectors.modelSource(kafka),
                stage,
                KafkaConnectors.forecastSink(kafka),
                KafkaConnectors.deadLetterSink(kafka),
                settings);
    }

    /**
     * Trains in the same job: the keyed forecaster also cuts each series' training windows, the
     * trainer ({@code training}) fits on them, and every version it publishes goes to {@code sink}
     * (the {@code models} topic), from where the models source brings it back to the forecaster.
     * Flink job graphs have no cycles; the topic closes the loop.
     */
    public ForecastJob withTraining(TrainingPipeline training, Sink<ModelRecord> sink) {
        this.training = checkNotNull(training, "training");
        this.modelSink = checkNotNull(sink, "sink");
        return this;
    }

    /**
     * Scores the forecasts as their targets arrive ({@link ForecastScorer}, keyed by series like the
     * forecaster): one {@link ForecastError} per matured (series, origin, horizon) to {@code sink}
     * (the {@code forecast-errors} topic).
     */
    public ForecastJob withScoring(ScoringSettings scoring, Sink<ForecastError> sink) {
        this.scoring = checkNotNull(scoring, "scoring");
        this.errorSink = checkNotNull(sink, "sink");
        return this;
    }

    /**
     * Only trains: the keyed forecaster still runs (the series' histories and windows live there), but
     * its forecasts and dead letters are left to a forecasting job ({@code --no-train}) on the same topics.
     */
    public ForecastJob trainingOnly() {
        checkNotNull(training, "a training-only job needs withTraining(...) first");
        this.publishForecasts = false;
        return this;
    }

    /** Adds the graph to {@code env}; the caller configures checkpointing and executes. */
    public void addTo(StreamExecutionEnvironment env) {
        // No watermarks at the source: timestamps are only known after parsing, which must not fail there.
        DataStream<RawKafkaRecord> raw = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "observations source")
                .uid("observations-source");
        SingleOutputStreamOperator<Observation> parsed = raw
                .process(new ParseObservations(new ObservationParser(settings.expectedFeatures(), settings.maxKeyBytes()),
                        new FutureTimeRule(settings.maxAhead())))
                .name("parse + validate")
                .uid("parse-observations");
        DataStream<Observation> timed = parsed
                .assignTimestampsAndWatermarks(
                        ObservationWatermarks.strategy(settings.maxOutOfOrderness(), settings.idleness()))
                .name("event time")
                .uid("event-time");

        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseObservations.DEAD_LETTERS);
        DataStream<ModelRecord> published = null;
        if (models != null && publishForecasts) {
            // One reader: the models topic has one partition, and one stream keeps the versions in order.
            published = env.fromSource(models, WatermarkStrategy.noWatermarks(), "models source")
                    .uid("models-source")
                    .setParallelism(1);
        }
        ForecastStage forecasting = training == null ? stage : stage.cuttingWindows(training.settings());
        ForecastStage.Outputs outputs = forecasting.apply(timed, published);
        if (training != null) {
            training.apply(outputs.training()).sinkTo(modelSink).name("models sink").uid("models-sink")
                    .setParallelism(1);
        }
        if (publishForecasts) {
            outputs.forecasts().sinkTo(forecastSink).name("forecasts sink").uid("forecasts-sink");
            if (scoring != null) {
                outputs.forecasts()
                        .keyBy(new ForecastKey(), Types.STRING)
                        .process(new ForecastScorer(scoring), ForecastErrorSerializer.TYPE)
                        .name("score").uid("score")
                        .sinkTo(errorSink).name("forecast-errors sink").uid("forecast-errors-sink");
            }
            deadLetters = deadLetters.union(outputs.deadLetters());
        }
        deadLetters.sinkTo(deadLetterSink).name("dead-letters sink").uid("dead-letters-sink");
    }
}
