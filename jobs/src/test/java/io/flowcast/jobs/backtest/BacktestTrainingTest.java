package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.pipeline.JobEnvironment;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.StepDetection;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.WindowSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backtest's training phase on a MiniCluster over small synthetic files (seconds per run): the
 * keyed forecaster detects each series' step and cuts its windows, each file's model trains on them.
 */
class BacktestTrainingTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final LocalDateTime T0 = LocalDateTime.of(2024, 3, 4, 0, 0);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final int ROWS = 300;
    /** The first changed row of the look-ahead test, and its time. */
    static final int CHANGE_AT = 200;

    /** Tiny recipe (window 6, season 12 steps, retrain daily); the step is detected from each file. */
    static TrainingSettings tiny() {
        return BacktestTraining.settings(3)
                .with("window", "6").with("season", "12").with("seasons", "2").with("hidden", "8")
                .with("samples", "60").with("min", "40").with("every", "24h").with("first", "6")
                .with("epochs", "2").with("margin", "0").with("seed", "7").with("lr", "0.01")
                .with("batch", "16").with("val", "0.2").with("patience", "2");
    }

    private static double wave(int t, double phase) {
        return 100 + 30 * Math.sin(2 * Math.PI * t / 12 + phase) + 20 * ((t % 5) - 2);
    }

    /**
     * Three files: hourly {@code a.csv}; wide hourly {@code b.csv} (two series, some NA, a
     * duplicate row); half-hourly {@code c.csv}. With {@code changed}, every value from row
     * {@link #CHANGE_AT} on is different.
     */
    static Path write(Path dir, boolean changed) throws Exception {
        Files.createDirectories(dir);
        StringBuilder a = new StringBuilder("timestamp,value\n");
        StringBuilder b = new StringBuilder("timestamp,x,y\n");
        StringBuilder c = new StringBuilder("timestamp,value\n");
        for (int t = 0; t < ROWS; t++) {
            double bump = changed && t >= CHANGE_AT ? 500 : 0;
            String hour = T0.plusHours(t).format(TIME);
            a.append(hour).append(',').append(num(wave(t, 0) + bump)).append('\n');
            b.append(hour).append(',').append(t % 13 == 0 ? "NA" : num(wave(t, 1) * 2 + bump)).append(',')
                    .append(num(wave(t, 2) + 7 + bump)).append('\n');
            if (t == 50) {
                b.append(hour).append(",1,1\n"); // duplicate: dropped like the forecaster does
            }
            c.append(T0.plusMinutes(30L * t).format(TIME)).append(',')
                    .append(num(wave(t, 3) + (changed && t >= 2 * CHANGE_AT - ROWS / 2 ? 500 : 0))).append('\n');
        }
        Files.writeString(dir.resolve("a.csv"), a);
        Files.writeString(dir.resolve("b.csv"), b);
        Files.writeString(dir.resolve("c.csv"), c);
        return dir;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static long millis(LocalDateTime t) {
        return t.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    }

    @Test
    void sameRecordsAcrossRunsAndParallelism(@TempDir Path dir) throws Exception {
        Path input = write(dir, false);
        List<ModelRecord> first = BacktestTraining.train(input, tiny(), 2);
        List<ModelRecord> second = BacktestTraining.train(input, tiny(), 2);
        List<ModelRecord> serial = BacktestTraining.train(input, tiny(), 1);
        List<ModelRecord> four = BacktestTraining.train(input, tiny(), 4);

        assertThat(first).extracting(r -> r.name).containsOnly("a", "b", "c");
        for (String name : List.of("a", "b", "c")) {
            List<ModelRecord> versions = first.stream().filter(r -> r.name.equals(name)).toList();
            assertThat(versions).as(name).hasSizeGreaterThanOrEqualTo(2);
            // Windows are cut once the step is known, from the series' 101st event on.
            long firstWindow = millis(name.equals("c") ? T0.plusMinutes(30L * 100) : T0.plusHours(100));
            assertThat(versions.get(0).trainedUpTo).as(name).isGreaterThanOrEqualTo(firstWindow);
            for (int i = 0; i < versions.size(); i++) {
                ServingModel m = versions.get(i).parse();
                assertThat(versions.get(i).version).isEqualTo(i + 1);
                assertThat(m.name()).isEqualTo(name);
                assertThat(m.shape()).isEqualTo(new ServingModel.Shape(3, 6, 12, 2, false));
                if (i > 0) {
                    // A day of event time between fits (the recipe's "every"), on the file's own grid.
                    assertThat(versions.get(i).trainedUpTo - versions.get(i - 1).trainedUpTo).as(name)
                            .isGreaterThanOrEqualTo(24 * 3_600_000L);
                }
            }
        }
        assertThat(first).as("some version carries a net").anyMatch(r -> {
            try {
                return r.parse().net() != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(second).containsExactlyElementsOf(first); // payloads byte for byte
        assertThat(serial).containsExactlyElementsOf(first);
        assertThat(four).containsExactlyElementsOf(first);
    }

    /**
     * {@code files} wide hourly files {@code w0.csv, w1.csv, ...} of {@code columns} series each, all
     * starting at the first row.
     */
    static Path writeWide(Path dir, int files, int columns) throws Exception {
        Files.createDirectories(dir);
        for (int f = 0; f < files; f++) {
            StringBuilder csv = new StringBuilder("timestamp");
            for (int c = 0; c < columns; c++) {
                csv.append(",s").append(c);
            }
            csv.append('\n');
            for (int t = 0; t < ROWS; t++) {
                csv.append(T0.plusHours(t).format(TIME));
                for (int c = 0; c < columns; c++) {
                    csv.append(',').append(num(wave(t + c, f + 0.3 * c) * (1 + 0.1 * c)));
                }
                csv.append('\n');
            }
            Files.writeString(dir.resolve("w" + f + ".csv"), csv);
        }
        return dir;
    }

    /**
     * With more series per model than the sampler takes per step (here 3 per step: {@code samples=24}),
     * both sides sample: the forecaster cuts about {@code 2 x 3 / (series it holds)} of the windows,
     * the trainer accepts {@code 3 / (series of the model)} of them. The records must still be the
     * same at any parallelism: what the trainer accepts must never depend on how the series are
     * spread over the forecaster's subtasks. Three files of 8 series: one subtask holds 24 series.
     */
    @Test
    void sameRecordsAtAnyParallelismWhenBothSidesSample(@TempDir Path dir) throws Exception {
        Path input = writeWide(dir, 3, 8);
        TrainingSettings settings = tiny().with("samples", "24").with("min", "16");
        List<ModelRecord> four = BacktestTraining.train(input, settings, 4);
        List<ModelRecord> serial = BacktestTraining.train(input, settings, 1);
        List<ModelRecord> two = BacktestTraining.train(input, settings, 2);
        assertThat(four).extracting(r -> r.name).containsOnly("w0", "w1", "w2");
        for (String name : List.of("w0", "w1", "w2")) {
            assertThat(four.stream().filter(r -> r.name.equals(name)).count()).as(name).isGreaterThanOrEqualTo(3);
        }
        assertThat(two).as("parallelism 2").containsExactlyElementsOf(four);
        assertThat(serial).as("parallelism 1").containsExactlyElementsOf(four);
    }

    /** The trainer inputs the backtest's forecaster sends (its {@code training()} output), in no particular order. */
    private static List<TrainerInput> cut(Path input, TrainingSettings settings, int parallelism) throws Exception {
        List<SeriesFile> files = SeriesFiles.list(input);
        TrainingSettings perFile = settings.withModels(ModelNames.perFile(files.stream().map(f -> f.key).toList()));
        StreamExecutionEnvironment env = JobEnvironment.create(parallelism, new Configuration());
        DataStream<Observation> observations = env
                .fromData(files, TypeInformation.of(SeriesFile.class))
                .rebalance()
                .process(new ReadSeriesFiles(), TypeInformation.of(Observation.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Observation>noWatermarks()
                        .withTimestampAssigner((o, ignored) -> o.timestamp));
        ForecastSettings cutting = ForecastSettings.defaults().withHorizons(perFile.horizon()).withModelNames(perFile.models());
        DataStream<TrainerInput> inputs = new ForecastPipeline(cutting, List.of(), perFile).apply(observations).training();
        List<TrainerInput> out = new ArrayList<>();
        try (CloseableIterator<TrainerInput> it = inputs.executeAndCollect("cut " + input)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /**
     * The forecaster may cut fewer windows than there are (its rate is {@code 2 perStep / series it
     * holds}), but never one the trainer's rule ({@code perStep / series of the model}) accepts:
     * those would be lost, and which ones depends on how the series are spread over subtasks. Here
     * every series of the three files starts at the first row, so each model's census is 8 and the
     * rule accepts every window with {@code u < 3 / 8}; every series' step is known and its windows
     * ready from its 101st row, so each of those must be among the inputs sent.
     */
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2, 4})
    void theForecasterCutsEveryWindowTheTrainerAccepts(int parallelism, @TempDir Path dir) throws Exception {
        Path input = writeWide(dir, 3, 8);
        TrainingSettings settings = tiny().with("samples", "24").with("min", "16");
        int perStep = WindowSampler.of(settings.recipe(java.time.Duration.ofHours(1))).perStep();
        assertThat(perStep).isEqualTo(3);
        List<TrainerInput> inputs = cut(input, settings, parallelism);
        for (int f = 0; f < 3; f++) {
            String model = "w" + f;
            assertThat(inputs.stream().filter(in -> in.model().equals(model) && in.isCensus()).count()).as(model).isEqualTo(8);
            java.util.Set<String> sent = new java.util.HashSet<>();
            inputs.stream().filter(in -> in.model().equals(model) && !in.isCensus())
                    .forEach(in -> sent.add(in.series() + "@" + in.time()));
            List<String> missing = new ArrayList<>();
            int accepted = 0;
            for (int c = 0; c < 8; c++) {
                String key = model + "/s" + c;
                for (int t = StepDetection.EVENTS; t < ROWS; t++) {
                    long time = millis(T0.plusHours(t));
                    if (WindowSampler.priority(key, time) < (double) perStep / 8) {
                        accepted++;
                        if (!sent.contains(key + "@" + time)) {
                            missing.add(key + "@" + T0.plusHours(t));
                        }
                    }
                }
            }
            assertThat(accepted).as(model).isGreaterThan(300);
            assertThat(missing.size()).as("%s: windows the trainer accepts that were never cut (of %d), e.g. %s", model,
                    accepted, missing.subList(0, Math.min(5, missing.size()))).isZero();
        }
    }

    @Test
    void noRecordDependsOnLaterData(@TempDir Path dir) throws Exception {
        List<ModelRecord> base = BacktestTraining.train(write(dir.resolve("base"), false), tiny(), 2);
        List<ModelRecord> changed = BacktestTraining.train(write(dir.resolve("changed"), true), tiny(), 2);
        long changeHourly = millis(T0.plusHours(CHANGE_AT));
        long changeHalfHourly = millis(T0.plusMinutes(30L * (2 * CHANGE_AT - ROWS / 2)));
        int before = 0;
        int after = 0;
        for (ModelRecord r : base) {
            long changeAt = r.name.equals("c") ? changeHalfHourly : changeHourly;
            if (r.trainedUpTo < changeAt) {
                assertThat(changed).as("%s, trained before the change", r).contains(r);
                before++;
            } else {
                after += changed.contains(r) ? 0 : 1;
            }
        }
        assertThat(before).as("versions before the change").isGreaterThanOrEqualTo(3);
        assertThat(after).as("versions after the change that differ (the test sees changes)").isPositive();
    }

    /** Measurement, not a check: {@code -Dflowcast.measure=<file or folder under ../shared/data>}. */
    @Test
    @EnabledIfSystemProperty(named = "flowcast.measure", matches = ".+")
    void measure() throws Exception {
        Path input = SharedData.file(System.getProperty("flowcast.measure"));
        int parallelism = Integer.getInteger("flowcast.parallelism", 1);
        int horizon = Integer.getInteger("flowcast.horizon", 5);
        long start = System.nanoTime();
        List<ModelRecord> records = BacktestTraining.train(input, BacktestTraining.settings(horizon), parallelism);
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "MEASURE %s parallelism %d: %d versions in %.1f s%n", input, parallelism, records.size(), seconds));
        records.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.name, java.util.TreeMap::new,
                java.util.stream.Collectors.toList())).forEach((name, list) -> {
                    try {
                        long nets = 0;
                        for (ModelRecord r : list) {
                            nets += r.parse().net() != null ? 1 : 0;
                        }
                        out.append(String.format(Locale.ROOT, "MEASURE   %s: %d versions (%d with a net), last trained up to %s%n",
                                name, list.size(), nets, java.time.Instant.ofEpochMilli(list.get(list.size() - 1).trainedUpTo)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        System.out.print(out);
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "flowcast-measure.txt"), out);
    }
}
