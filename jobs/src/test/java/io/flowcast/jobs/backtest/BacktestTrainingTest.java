package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The backtest's training phase on a MiniCluster over small synthetic files (seconds per run). */
class BacktestTrainingTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

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

        assertThat(first).extracting(r -> r.name).containsOnly("a", "b", "c");
        for (String name : List.of("a", "b", "c")) {
            List<ModelRecord> versions = first.stream().filter(r -> r.name.equals(name)).toList();
            assertThat(versions).as(name).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 0; i < versions.size(); i++) {
                assertThat(versions.get(i).version).isEqualTo(i + 1);
                assertThat(versions.get(i).parse().name()).isEqualTo(name);
                if (i > 0) {
                    assertThat(versions.get(i).trainedUpTo).isGreaterThan(versions.get(i - 1).trainedUpTo);
                }
            }
        }
        assertThat(first.stream().filter(r -> r.name.equals("b")).findFirst().orElseThrow().parse().scalers())
                .containsOnlyKeys("b/x", "b/y");
        assertThat(second).containsExactlyElementsOf(first); // payloads byte for byte
        assertThat(serial).containsExactlyElementsOf(first);
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
