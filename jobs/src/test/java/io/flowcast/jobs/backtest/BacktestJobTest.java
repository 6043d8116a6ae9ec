package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.forecast.ForecastSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The backtest job on a MiniCluster over real data files (generic types off throughout: no Kryo). */
class BacktestJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(3);

    @Test
    void outputIsTheSameAcrossRunsAndParallelism(@TempDir Path dir) throws Exception {
        Path input = SharedData.file("nab/realTraffic/speed_t4013.csv");
        BacktestRun first = BacktestJob.run(input, settings, 2);
        BacktestRun second = BacktestJob.run(input, settings, 2);
        BacktestRun serial = BacktestJob.run(input, settings, 1);

        // 2,495 rows, one of them a repeated timestamp (2015-09-10 05:33:00)
        assertThat(first.forecastCount()).isEqualTo(2_494);
        assertThat(first.deadLettersByReason()).containsExactly(Map.entry("duplicate", 1L));
        assertThat(first.events()).isEqualTo(2_495);
        long rows = ForecastCsv.write(dir.resolve("a.csv"), first.forecasts());
        ForecastCsv.write(dir.resolve("b.csv"), second.forecasts());
        ForecastCsv.write(dir.resolve("c.csv"), serial.forecasts());
        assertThat(rows).isEqualTo(2_494 * 3);
        List<String> lines = Files.readAllLines(dir.resolve("a.csv"));
        assertThat(lines).hasSize(1 + 2_494 * 3);
        assertThat(lines.get(0)).isEqualTo("key,timestamp,horizon,forecast");
        assertThat(lines.get(1)).isEqualTo("speed_t4013,2015-09-01 11:25:00,1,58.0");
        assertThat(Files.readAllBytes(dir.resolve("b.csv"))).isEqualTo(Files.readAllBytes(dir.resolve("a.csv")));
        assertThat(Files.readAllBytes(dir.resolve("c.csv"))).isEqualTo(Files.readAllBytes(dir.resolve("a.csv")));
    }

    @Test
    void persistenceOnNycTaxiMatchesThePublishedFigure() throws Exception {
        BacktestRun run = BacktestJob.run(SharedData.file("htmresearch/nyc_taxi.csv"), settings.withHorizons(5), 2);
        BacktestScores.Score fiveAhead = BacktestJob.score(run, 5, 10_000).perHorizon().get(4);

        // ../shared/data/README.md: persistence x(t+5) = x(t) after 10,000 records: NRMSE 0.926, "MAPE" (WAPE) 0.322
        assertThat(fiveAhead.pairs()).isEqualTo(17_520 - 10_000 - 5);
        assertThat(fiveAhead.nrmse()).isCloseTo(0.926, within(0.0005));
        assertThat(fiveAhead.wape()).isCloseTo(0.322, within(0.0005));
    }

    @Test
    void aQuickPassOverFilesOfEveryLayout(@TempDir Path dir) throws Exception {
        copy("nab/realKnownCause/machine_temperature_system_failure.csv", dir, Integer.MAX_VALUE);
        copy("nab/realTraffic/occupancy_t4013.csv", dir, Integer.MAX_VALUE);
        copy("nab/realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv", dir, Integer.MAX_VALUE);
        copy("htmresearch/nyc_taxi.csv", dir, 3_000);
        copy("beijing_air/beijing_pm25_12stations_hourly.csv", dir, 3_000);
        copy("ett/ETTh2.csv", dir, 1_000);

        BacktestRun run = BacktestJob.run(dir, settings, 2);

        assertThat(run.forecasts()).hasSize(1 + 1 + 1 + 1 + 12 + 7);
        assertThat(run.forecasts()).containsKeys("htmresearch/nyc_taxi", "beijing_air/beijing_pm25_12stations_hourly/Dongsi",
                "ett/ETTh2/OT", "nab/realKnownCause/machine_temperature_system_failure");
        // machine_temperature steps back from 02:55 to 02:00: 11 late events and one repeat of 02:55;
        // occupancy_t4013 repeats 2015-09-10 05:33:00
        assertThat(run.deadLettersByReason()).containsEntry("late", 11L).containsEntry("duplicate", 2L).hasSize(2);
        assertThat(run.forecasts().get("nab/realKnownCause/machine_temperature_system_failure")).hasSize(22_695 - 12);
        long expectedEvents = 22_695 + 2_500 + 4_032 + (3_000 - 3) + 12 * (3_000 - 1) + 7 * (1_000 - 1);
        assertThat(run.events()).isEqualTo(expectedEvents);
        assertThat(run.forecastCount()).isEqualTo(expectedEvents - 13);
        BacktestScores scores = BacktestJob.score(run, 3, 0);
        assertThat(scores.perHorizon()).allSatisfy(s -> assertThat(s.nrmse()).isBetween(0.0, 2.0));
    }

    /** The first {@code lines} lines of a data file, byte for byte (CRLF kept), into {@code dir}; never committed. */
    private static void copy(String relative, Path dir, int lines) throws IOException {
        Path target = dir.resolve(relative);
        Files.createDirectories(target.getParent());
        byte[] bytes = Files.readAllBytes(SharedData.file(relative));
        int end = 0;
        for (int seen = 0; end < bytes.length && seen < lines; end++) {
            if (bytes[end] == '\n') {
                seen++;
            }
        }
        Files.write(target, Arrays.copyOf(bytes, end));
    }
}
