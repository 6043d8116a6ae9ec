package io.flowcast.jobs.bench;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.forecast.SeriesStateSerializer;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.pipeline.ForecastStage;
import io.flowcast.jobs.pipeline.JobEnvironment;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.score.ForecastErrorJson;
import io.flowcast.jobs.score.ForecastErrorSerializer;
import io.flowcast.jobs.score.ForecastKey;
import io.flowcast.jobs.score.ForecastScorer;
import io.flowcast.jobs.score.ScoringSettings;
import io.flowcast.model.CellType;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code bench job}: generator -> keyBy -> forecaster -> discarding sink, against the same graph with
 * a keyed function that only reads and writes a state of the same size, on the HashMap and the RocksDB
 * backends. Rates count the span records flowed through the keyed operator (see {@link ThroughputProbe});
 * the keyed task's CPU time per event is printed beside them, because on a shared machine the wall
 * clock also measures the neighbours.
 */
public final class JobBenchmark {

    private final PrintStream out;
    private final ForecastSettings settings;
    private final BenchModel net;
    private final int keys;
    private final long events;
    private final int parallelism;
    private final MemorySize managedMemory;
    private boolean scoring;

    /**
     * @param managedMemory the local task manager's managed memory, which RocksDB uses for its block
     *                      cache and write buffers (a local cluster's default, 128 MB, starves 100k keys)
     */
    public JobBenchmark(PrintStream out, ForecastSettings settings, BenchModel net, int keys, long events,
                        int parallelism, MemorySize managedMemory) {
        this.out = out;
        this.settings = settings;
        this.net = net;
        this.keys = keys;
        this.events = events;
        this.parallelism = parallelism;
        this.managedMemory = managedMemory;
    }

    /** One measured job: events through the keyed operator per second of flow, and its task's CPU microseconds per event. */
    public record Rate(long records, double eventsPerSecond, double taskCpuMicrosPerEvent) {
    }

    public void runAll() throws Exception {
        out.printf(Locale.ROOT, "bench job: %d events over %d keys, parallelism %d, managed memory %d MB, %s%n", events,
                keys, parallelism, managedMemory.getMebiBytes(), settings + ", serving a seeded " + net + " as version 1");
        BenchModel h64 = new BenchModel(CellType.LSTM, 64, 1, net.window(), net.seed());
        out.printf(Locale.ROOT, "state per key, serialized, ring full: %d bytes (%s); %d bytes for LSTM H=64%n",
                fullStateBytes(settings, net), net, fullStateBytes(settings, h64));
        for (String backend : new String[] {"hashmap", "rocksdb"}) {
            String label = backend.equals("hashmap") ? "" : " " + backend;
            Rate forecast = measure(backend, Graph.FORECAST);
            out.printf(Locale.ROOT, "forecast-job%s %.0f events/s (keyed task cpu %.2f us/event)%n", label,
                    forecast.eventsPerSecond(), forecast.taskCpuMicrosPerEvent());
            Rate passThrough = measure(backend, Graph.PASS_THROUGH);
            out.printf(Locale.ROOT, "pass-through-job%s %.0f events/s (keyed task cpu %.2f us/event)%n", label,
                    passThrough.eventsPerSecond(), passThrough.taskCpuMicrosPerEvent());
            out.printf(Locale.ROOT, "ratio%s %.2f%n", label, forecast.eventsPerSecond() / passThrough.eventsPerSecond());
            if (scoring) {
                Rate scored = measure(backend, Graph.FORECAST_AND_SCORE);
                // The probe sits behind the scorer: its records are error records, up to H per event.
                double eventsPerSecond = scored.eventsPerSecond() / settings.horizons();
                out.printf(Locale.ROOT, "forecast+score-job%s %.0f events/s (%.0f error records/s; scorer task cpu "
                                + "%.2f us/event)%n", label, eventsPerSecond, scored.eventsPerSecond(),
                        scored.taskCpuMicrosPerEvent() * settings.horizons());
            }
            if (forecast.records() != events || passThrough.records() != events) {
                out.printf(Locale.ROOT, "warning: %d forecasts and %d pass-through records for %d events%n",
                        forecast.records(), passThrough.records(), events);
            }
        }
    }

    /** The graphs measured. */
    public enum Graph {
        /** generator -> keyed forecaster -> probe */
        FORECAST,
        /** the same, then keyBy -> scorer -> the JSON a sink writes -> probe */
        FORECAST_AND_SCORE,
        /** generator -> keyed function that reads and writes state of the forecaster's size -> probe */
        PASS_THROUGH
    }

    /** Also measures the forecaster followed by the scorer ({@link Graph#FORECAST_AND_SCORE}). */
    public JobBenchmark withScoring(boolean scoring) {
        this.scoring = scoring;
        return this;
    }

    /** Runs one job to its end on {@code backend}. */
    public Rate measure(String backend, Graph graph) throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, managedMemory);
        StreamExecutionEnvironment env = JobEnvironment.create(parallelism, conf);
        DataStream<Observation> observations = env.fromSource(
                new DataGeneratorSource<>(new SyntheticSeries(keys), events, TypeInformation.of(Observation.class)),
                WatermarkStrategy.noWatermarks(), "synthetic series");
        DataStream<?> results;
        if (graph != Graph.PASS_THROUGH) {
            ForecastStage stage = new ForecastPipeline(settings, List.of(ModelRecord.of(net.model(settings))));
            DataStream<Forecast> forecasts = stage.apply(observations).forecasts();
            results = graph == Graph.FORECAST ? forecasts : forecasts
                    .keyBy(new ForecastKey(), Types.STRING)
                    .process(new ForecastScorer(new ScoringSettings(settings.horizons(), ScoringSettings.DEFAULT_WINDOW,
                            settings.seriesTtl())), ForecastErrorSerializer.TYPE)
                    .name("score")
                    .map(e -> ForecastErrorJson.write(e).length, Types.INT)
                    .name("as JSON");
        } else {
            results = observations.keyBy(new ForecastPipeline.SeriesKey(), Types.STRING)
                    .process(new StatePassThroughFunction(net, settings), TypeInformation.of(Observation.class))
                    .name("pass-through");
        }
        results.process(new ThroughputProbe<>(), Types.VOID).name("probe").sinkTo(new DiscardingSink<>());

        JobExecutionResult result = env.execute(graph + " job, " + backend);
        long cpu = result.getAccumulatorResult(ThroughputProbe.CPU_NANOS);
        long first = result.getAccumulatorResult(ThroughputProbe.FIRST);
        long last = result.getAccumulatorResult(ThroughputProbe.LAST);
        long records = result.getAccumulatorResult(ThroughputProbe.COUNT);
        double seconds = Math.max(last - first, 1) / 1000.0;
        return new Rate(records, records / seconds, cpu / 1000.0 / Math.max(records, 1));
    }

    /** Serialized size of one key's state once its history is full. */
    public static int fullStateBytes(ForecastSettings settings, BenchModel net) throws IOException {
        DataOutputSerializer bytes = new DataOutputSerializer(1024);
        SeriesStateSerializer.INSTANCE.serialize(net.fullState(settings), bytes);
        return bytes.length();
    }
}
