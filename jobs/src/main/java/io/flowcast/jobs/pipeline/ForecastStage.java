package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
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

    /** Without a model stream. */
    default Outputs apply(DataStream<Observation> observations) {
        return apply(observations, null);
    }

    /** Forecasts, and the events the stage rejected (late ones, for instance) as dead letters. */
    record Outputs(DataStream<Forecast> forecasts, DataStream<DeadLetter> deadLetters) {
    }
}
