package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.forecast.ForecastOperator;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.WeightSource;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.models.ModelRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** The forecasting stage: keyBy(series key) then {@link ForecastFunction}; forecasts plus its dead letters. */
public final class ForecastPipeline implements ForecastStage {

    private static final long serialVersionUID = 1L;

    /** Operator uid: savepoints map state to operators by it, so it must never change. */
    public static final String UID = "forecast";

    private final ForecastSettings settings;
    private final WeightSource weights;

    public ForecastPipeline(ForecastSettings settings, WeightSource weights) {
        this.settings = settings;
        this.weights = weights;
    }

    @Override
    public Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models) {
        SingleOutputStreamOperator<Forecast> forecasts = observations
                .keyBy(new SeriesKey(), Types.STRING)
                .transform("forecast", TypeInformation.of(Forecast.class),
                        new ForecastOperator(new ForecastFunction(settings, weights)))
                .uid(UID);
        return new Outputs(forecasts, forecasts.getSideOutput(ForecastFunction.DEAD_LETTERS));
    }

    public ForecastSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "ForecastPipeline{" + settings + ", weights=" + weights + "}";
    }

    /** The series key of an observation. */
    public static final class SeriesKey implements KeySelector<Observation, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Observation observation) {
            return observation.key;
        }
    }
}
