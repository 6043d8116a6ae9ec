package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.forecast.ForecastOperator;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.ParseModels;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * The forecasting stage: models -> {@link ParseModels} (bad ones to dead letters) -> broadcast, and
 * observations keyBy(series key), both into {@link ForecastFunction} (Flink's broadcast state
 * pattern); forecasts plus the dead letters of both. Models may also be preloaded (a backtest trains
 * first and passes every version in).
 */
public final class ForecastPipeline implements ForecastStage {

    private static final long serialVersionUID = 2L;

    /** Operator uid: savepoints map state to operators by it, so it must never change. */
    public static final String UID = "forecast";

    private final ForecastSettings settings;
    private final ArrayList<ModelRecord> preloaded;

    /** @param preloaded models held from the start (all versions kept; each serves events after its trainedUpTo) */
    public ForecastPipeline(ForecastSettings settings, List<ModelRecord> preloaded) {
        this.settings = settings;
        this.preloaded = new ArrayList<>(preloaded);
    }

    /** Models only from the model stream; before the first, the baseline (version 0). */
    public ForecastPipeline(ForecastSettings settings) {
        this(settings, List.of());
    }

    @Override
    public Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models) {
        TypeInformation<ModelRecord> modelType = TypeInformation.of(ModelRecord.class);
        if (models == null) {
            // An empty model stream that ends with the observations, so a bounded job still finishes.
            models = observations.flatMap(new NoModels(), modelType).name("no model stream").uid("no-models");
        }
        SingleOutputStreamOperator<ModelRecord> checked = models
                .process(new ParseModels(), modelType).name("check models").uid("parse-models");
        DataStream<ModelRecord> broadcast = checked
                // The model side must not hold back the forecasts' watermark (it may have none at all).
                .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator(ctx -> new NeverBehind()))
                .name("models: no event time").uid("models-watermarks")
                .broadcast();
        SingleOutputStreamOperator<Forecast> forecasts = observations
                .keyBy(new SeriesKey(), Types.STRING)
                .connect(broadcast)
                .transform("forecast", TypeInformation.of(Forecast.class),
                        new ForecastOperator(new ForecastFunction(settings, preloaded)))
                .uid(UID);
        DataStream<DeadLetter> deadLetters = forecasts.getSideOutput(ForecastFunction.DEAD_LETTERS)
                .union(checked.getSideOutput(ParseModels.DEAD_LETTERS));
        return new Outputs(forecasts, deadLetters);
    }

    public ForecastSettings settings() {
        return settings;
    }

    public List<ModelRecord> preloaded() {
        return preloaded;
    }

    @Override
    public String toString() {
        return "ForecastPipeline{" + settings + ", preloaded=" + preloaded + "}";
    }

    /** The series key of an observation. */
    public static final class SeriesKey implements KeySelector<Observation, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Observation observation) {
            return observation.key;
        }
    }

    private static final class NoModels implements FlatMapFunction<Observation, ModelRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Observation value, Collector<ModelRecord> out) {
        }
    }

    /** Watermarks at the end of time: models carry no event time the forecaster waits for. */
    private static final class NeverBehind implements WatermarkGenerator<ModelRecord> {
        @Override
        public void onEvent(ModelRecord event, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
