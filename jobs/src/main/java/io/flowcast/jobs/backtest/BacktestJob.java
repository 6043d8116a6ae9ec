package io.flowcast.jobs.backtest;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.pipeline.JobEnvironment;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.collect.CollectSinkOperatorFactory;
import org.apache.flink.util.CloseableIterator;

/**
 * The backtest: the live forecasting stage ({@link ForecastPipeline}) over CSV files, as a bounded
 * Flink job. Files are read whole by {@link ReadSeriesFiles} (each series in file order), and every
 * forecast and dead letter comes back to the client through one collect sink, compactly (see
 * {@link BacktestRecord}). Deterministic: forecasts of a series depend only on that series' events,
 * and the client orders output by key then event.
 */
public final class BacktestJob {

    private BacktestJob() {
    }

    public static BacktestRun run(Path input, ForecastSettings settings, int parallelism) throws Exception {
        return run(input, settings, null, parallelism);
    }

    /**
     * Trains first ({@link BacktestTraining}: every version the live trainer would publish, one
     * model per file), then forecasts with those versions preloaded: each event is served by the
     * newest version trained before it, so the forecasts are those of the live job with the same
     * input, at any parallelism. {@code training} null: no training, the baseline (version 0) only.
     */
    public static BacktestRun run(Path input, ForecastSettings settings, TrainingSettings training, int parallelism)
            throws Exception {
        long started = System.nanoTime();
        List<SeriesFile> files = SeriesFiles.list(input);
        // Every header read first: a file that cannot be a series fails here, in one line, before any job.
        List<String> series = new ArrayList<>();
        for (SeriesFile file : files) {
            series.addAll(SeriesCsvReader.keys(file));
        }
        ModelNames perFile = ModelNames.perFile(files.stream().map(f -> f.key).toList());
        settings = settings.withModelNames(perFile);
        List<ModelRecord> models = List.of();
        double trainingSeconds = 0;
        if (training != null) {
            long t0 = System.nanoTime();
            models = BacktestTraining.train(input, training.withModels(perFile), parallelism);
            trainingSeconds = (System.nanoTime() - t0) / 1e9;
        }
        Configuration conf = new Configuration();
        // Fewer, larger fetches: every forecast comes back to the client, and each fetch is a round trip.
        conf.set(CollectSinkOperatorFactory.MAX_BATCH_SIZE, MemorySize.ofMebiBytes(32));
        StreamExecutionEnvironment env = JobEnvironment.create(parallelism, conf);

        SingleOutputStreamOperator<Observation> observations = env
                .fromData(files, TypeInformation.of(SeriesFile.class)).name("series files")
                .rebalance()
                .process(new ReadSeriesFiles(), TypeInformation.of(Observation.class)).name("read csv");
        DataStream<Observation> timed = observations.assignTimestampsAndWatermarks(
                WatermarkStrategy.<Observation>noWatermarks().withTimestampAssigner((o, ignored) -> o.timestamp));
        ForecastStage.Outputs outputs = new ForecastPipeline(settings, models).apply(timed);

        Map<String, Integer> seriesIndex = new HashMap<>();
        for (int i = 0; i < series.size(); i++) {
            seriesIndex.put(series.get(i), i);
        }
        TypeInformation<BacktestRecord> recordType = TypeInformation.of(BacktestRecord.class);
        DataStream<BacktestRecord> results = outputs.forecasts()
                .map(new BacktestRecord.FromForecast(seriesIndex), recordType).union(
                        outputs.deadLetters().map(BacktestRecord::of, recordType),
                        observations.getSideOutput(ReadSeriesFiles.UNREADABLE).map(BacktestRecord::of, recordType));

        List<List<BacktestRecord>> bySeries = new ArrayList<>();
        series.forEach(k -> bySeries.add(new ArrayList<>()));
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (CloseableIterator<BacktestRecord> it = results.collectAsync()) {
            JobClient job = env.executeAsync("flowcast backtest " + input);
            while (it.hasNext()) {
                BacktestRecord r = it.next();
                if (r.series >= 0) {
                    bySeries.get(r.series).add(r);
                } else {
                    deadLetters.add(r.deadLetter);
                }
            }
            job.getJobExecutionResult().get();
        }
        deadLetters.sort(Comparator.comparing((DeadLetter d) -> d.reason).thenComparing(d -> d.topic)
                .thenComparingLong(d -> d.offset).thenComparing(d -> d.rawBase64));
        Map<String, SeriesTruth.Series> truth = SeriesTruth.read(files);
        SortedMap<String, List<Forecast>> forecasts = new TreeMap<>();
        for (int i = 0; i < series.size(); i++) {
            if (!bySeries.get(i).isEmpty()) {
                forecasts.put(series.get(i), withInputTimestamps(series.get(i), bySeries.get(i), truth.get(series.get(i))));
            }
        }
        return new BacktestRun(files, forecasts, deadLetters, truth, models, trainingSeconds,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * A series' forecasts with their key and raw timestamps back; they must be exactly the series'
     * accepted events, in order, or the run fails: a lost or reordered record is a bug, never a
     * quietly different score.
     */
    private static List<Forecast> withInputTimestamps(String key, List<BacktestRecord> records,
                                                      SeriesTruth.Series series) {
        if (series == null || series.times().length != records.size()) {
            throw new IllegalStateException("series " + key + ": " + records.size() + " forecasts but "
                    + (series == null ? 0 : series.times().length) + " accepted events in the input");
        }
        List<Forecast> forecasts = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            BacktestRecord r = records.get(i);
            if (r.eventTime != series.times()[i]) {
                throw new IllegalStateException("series " + key + ": forecast " + i + " is for " + r.eventTime
                        + " but event " + i + " is at " + series.times()[i]);
            }
            forecasts.add(r.toForecast(key, series.raw()[i]));
        }
        return forecasts;
    }

    /** Scores a run against its input (the first {@code skip} events of each series left out). */
    public static BacktestScores score(BacktestRun run, int horizons, int skip) {
        return BacktestScores.compute(run.truth(), run.forecasts(), horizons, skip);
    }
}
