package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import java.io.Serializable;
import io.flowcast.jobs.models.ModelRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The part of a job graph between parsed observations and its outputs. Sources (Kafka, CSV files,
 * a generator) and sinks (Kafka, files, a test collector) are wired around it, so the same
 * forecasting operators run live, in a backtest and in tests.
 */
public interface ForecastStage extends Serializable {

    /**
     * Observations with event-time timestamps assigned, and the stream of published models (null:
     * none, only what the stage was built with); returns forecasts and rejected events.
     */
    Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models);

    /**
     * This stage, also cutting each series' training windows for {@code training} (out as
     * {@link Outputs#training()}). A stage that cannot says so.
     */
    default ForecastStage cuttingWindows(TrainingSettings training) {
        throw new IllegalStateException(getClass().getSimpleName() + " cuts no training windows; the trainer needs "
                + "the keyed forecaster's (ForecastPipeline)");
    }

    /** Without a model stream. */
    default Outputs apply(DataStream<Observation> observations) {
        return apply(observations, null);
    }

    /**
     * Forecasts, the events the stage rejected (late ones, for instance) as dead letters, and, when
     * the stage cuts training windows, what goes to the trainers (null otherwise).
     */
    record Outputs(DataStream<Forecast> forecasts, DataStream<DeadLetter> deadLetters,
                   DataStream<TrainerInput> training) {

        public Outputs(DataStream<Forecast> forecasts, DataStream<DeadLetter> deadLetters) {
            this(forecasts, deadLetters, null);
        }
    }
}
