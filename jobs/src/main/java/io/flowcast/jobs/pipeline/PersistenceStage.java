package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The simplest baseline stage: a persistence forecast ("tomorrow is like today") per series, every
 * horizon equal to the last known value of the first feature, model version 0. It is the yardstick
 * any learned model must beat, and keeps the plumbing (sources, sinks, exactly-once) testable on its
 * own. One forecast per observation, nothing rejected.
 */
public final class PersistenceStage implements ForecastStage {

    private static final long serialVersionUID = 1L;
    /** Never written to: persistence has no reason to reject an observation. */
    private static final OutputTag<DeadLetter> NO_REJECTS =
            new OutputTag<>("persistence-rejects", TypeInformation.of(DeadLetter.class));

    private final int horizon;

    public PersistenceStage(int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        this.horizon = horizon;
    }

    @Override
    public Outputs apply(DataStream<Observation> observations) {
        SingleOutputStreamOperator<Forecast> forecasts = observations
                .keyBy(o -> o.key, Types.STRING)
                .process(new PersistenceForecaster(horizon))
                .name("persistence forecast")
                .uid("persistence-forecast");
        return new Outputs(forecasts, forecasts.getSideOutput(NO_REJECTS));
    }
}
