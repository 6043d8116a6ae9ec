package io.flowcast.jobs.backtest;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.JobEnvironment;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.collect.CollectSinkOperatorFactory;
import org.apache.flink.util.CloseableIterator;

/**
 * The backtest's training phase: the live training path over the same CSV files as
 * {@link BacktestJob}, as a bounded Flink job, one model per file: the keyed forecaster (no models:
 * its forecasts are discarded) cuts each series' training windows, and {@link TrainingPipeline}
 * trains on them. There are no watermarks: the end of the input releases every window, and each
 * model's trainer feeds them in time order, so the versions are those a live job would have
 * published, and the same whatever the parallelism. Unreadable rows are left to the forecasting
 * phase, which reports them.
 */
public final class BacktestTraining {

    private BacktestTraining() {
    }

    /** Every published version, sorted by model name then version. */
    public static List<ModelRecord> train(Path input, TrainingSettings settings, int parallelism) throws Exception {
        if (settings.models().fixedName() != null) {
            throw new IllegalArgumentException("the backtest trains one model per file (ModelNames.perFile()), not "
                    + settings.models());
        }
        List<SeriesFile> files = SeriesFiles.list(input);
        if (settings.models().fileKeys().isEmpty()) { // name each model by its file, wherever the file is
            settings = settings.withModels(ModelNames.perFile(files.stream().map(f -> f.key).toList()));
        }
        Configuration conf = new Configuration();
        conf.set(CollectSinkOperatorFactory.MAX_BATCH_SIZE, MemorySize.ofMebiBytes(32));
        StreamExecutionEnvironment env = JobEnvironment.create(parallelism, conf);
        DataStream<Observation> observations = env
                .fromData(files, TypeInformation.of(SeriesFile.class)).name("series files")
                .rebalance()
                .process(new ReadSeriesFiles(), TypeInformation.of(Observation.class)).name("read csv")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Observation>noWatermarks()
                        .withTimestampAssigner((o, ignored) -> o.timestamp));
        ForecastSettings cutting = ForecastSettings.defaults().withHorizons(settings.horizon())
                .withModelNames(settings.models());
        DataStream<TrainerInput> windows = new ForecastPipeline(cutting, List.of(), settings).apply(observations).training();
        DataStream<ModelRecord> models = new TrainingPipeline(settings).apply(windows);
        List<ModelRecord> out = new ArrayList<>();
        try (CloseableIterator<ModelRecord> it = models.collectAsync()) {
            JobClient job = env.executeAsync("flowcast backtest training " + input);
            while (it.hasNext()) {
                out.add(it.next().withoutWallTime()); // identical runs, identical bytes
            }
            job.getJobExecutionResult().get();
        }
        out.sort(Comparator.comparing((ModelRecord r) -> r.name).thenComparingLong(r -> r.version));
        return out;
    }

    /** The settings of a backtest: one model per file. */
    public static TrainingSettings settings(int horizon) {
        return TrainingSettings.defaults(horizon, ModelNames.perFile());
    }
}
