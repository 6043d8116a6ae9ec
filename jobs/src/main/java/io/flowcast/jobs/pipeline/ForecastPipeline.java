package io.flowcast.jobs.pipeline;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * The forecasting stage: models broadcast, and observations keyBy(series key), both into
 * {@link ForecastFunction} (Flink's broadcast state pattern), which decodes and checks each model
 * record once; forecasts plus the dead letters of both (bad events, bad model records). Models may also be preloaded (a backtest trains
 * first and passes every version in). With training settings the forecaster also cuts each series'
 * training windows, out as {@link Outputs#training()} for the {@code TrainingPipeline}.
 */
public final class ForecastPipeline implements ForecastStage {

    private static final long serialVersionUID = 2L;

    /** Operator uid: savepoints map state to operators by it, so it must never change. */
    public static final String UID = "forecast";

    private final ForecastSettings settings;
    private final ArrayList<ModelRecord> preloaded;
    /** Null: no training windows. */
    private final TrainingSettings training;
    private final Functions functions;

    /**
     * Makes the keyed forecaster's function from the pipeline's settings. The job uses
     * {@code ForecastFunction::new}; a test may pass a subclass (one that injects a failure, say), so
     * that the graph under test is this one and not a copy of it.
     */
    @FunctionalInterface
    public interface Functions extends Serializable {
        ForecastFunction create(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training);
    }

    /**
     * @param preloaded models held from the start (all versions kept; each serves events after its trainedUpTo)
     * @param training  cut training windows for these settings; null: forecast only
     */
    public ForecastPipeline(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training) {
        this(settings, preloaded, training, ForecastFunction::new);
    }

    private ForecastPipeline(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training,
                             Functions functions) {
        this.settings = settings;
        this.preloaded = new ArrayList<>(preloaded);
        this.training = training;
        this.functions = functions;
    }

    /** @param preloaded models held from the start (all versions kept; each serves events after its trainedUpTo) */
    public ForecastPipeline(ForecastSettings settings, List<ModelRecord> preloaded) {
        this(settings, preloaded, null);
    }

    /** Models only from the model stream; before the first, the baseline (version 0). */
    public ForecastPipeline(ForecastSettings settings) {
        this(settings, List.of(), null);
    }

    @Override
    public ForecastPipeline cuttingWindows(TrainingSettings training) {
        return new ForecastPipeline(settings, preloaded, training, functions);
    }

    /** This pipeline, its forecaster's function made by {@code functions} (see {@link Functions}). */
    public ForecastPipeline withFunctions(Functions functions) {
        return new ForecastPipeline(settings, preloaded, training, functions);
    }

    @Override
    public Outputs apply(DataStream<Observation> observations, DataStream<ModelRecord> models) {
        TypeInformation<ModelRecord> modelType = TypeInformation.of(ModelRecord.class);
        if (models == null) {
            // An empty model stream that ends with the observations, so a bounded job still finishes.
            models = observations.flatMap(new NoModels(), modelType).name("no model stream").uid("no-models");
        }
        BroadcastStream<ModelRecord> broadcast = models
                // The model side must not hold back the forecasts' watermark (it may have none at all),
                // nor carry it: idle for good, so the observations alone move event time.
                .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle()))
                .name("models: no event time").uid("models-watermarks")
                .broadcast(ForecastFunction.MODELS);
        SingleOutputStreamOperator<Forecast> forecasts = observations
                .keyBy(new SeriesKey(), Types.STRING)
                .connect(broadcast)
                .process(functions.create(settings, preloaded, training), TypeInformation.of(Forecast.class))
                .name("forecast")
                .uid(UID);
        DataStream<DeadLetter> deadLetters = forecasts.getSideOutput(ForecastFunction.DEAD_LETTERS);
        DataStream<TrainerInput> trainerInputs = training == null ? null : forecasts.getSideOutput(ForecastFunction.TRAINING);
        return new Outputs(forecasts, deadLetters, trainerInputs);
    }

    public ForecastSettings settings() {
        return settings;
    }

    public List<ModelRecord> preloaded() {
        return preloaded;
    }

    /** The training settings windows are cut for; null if none. */
    public TrainingSettings training() {
        return training;
    }

    @Override
    public String toString() {
        return "ForecastPipeline{" + settings + ", preloaded=" + preloaded + ", training=" + training + "}";
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

    /**
     * Models carry no event time: their side is idle for good, so the forecaster's watermark is the
     * observations' alone. (A watermark at the end of time instead would become the forecaster's
     * whenever the observations go idle, and fire every series' expiry timer at once.)
     */
    private static final class AlwaysIdle implements WatermarkGenerator<ModelRecord> {
        @Override
        public void onEvent(ModelRecord event, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
