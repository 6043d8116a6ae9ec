package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The part of a job graph between parsed observations and its outputs. Sources (Kafka, CSV files,
 * a generator) and sinks (Kafka, files, a test collector) are wired around it, so the same
 * forecasting operators run live, in a backtest and in tests.
 */
@FunctionalInterface
public interface ForecastStage extends Serializable {

    /** Observations with event-time timestamps assigned; returns forecasts and rejected events. */
    Outputs apply(DataStream<Observation> observations);

    /** Forecasts, and the events the stage rejected (late ones, for instance) as dead letters. */
    record Outputs(DataStream<Forecast> forecasts, DataStream<DeadLetter> deadLetters) {
    }
}
