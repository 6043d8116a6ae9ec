package io.flowcast.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.model.CellType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A small run of both benchmarked graphs: every event comes through (the generator never makes one late). */
class JobBenchmarkTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final ForecastSettings settings = ForecastSettings.defaults();
    private final BenchModel net = new BenchModel(CellType.LSTM, 8, 1, 32, 42L);
    private final JobBenchmark bench = new JobBenchmark(System.out, settings, net, 1_001, 30_000, 2, MemorySize.ofMebiBytes(128));

    @Test
    void everyEventReachesTheEndOfBothGraphsOnBothBackends() throws Exception {
        for (String backend : new String[] {"hashmap", "rocksdb"}) {
            JobBenchmark.Rate forecast = bench.measure(backend, JobBenchmark.Graph.FORECAST);
            JobBenchmark.Rate passThrough = bench.measure(backend, JobBenchmark.Graph.PASS_THROUGH);

            assertThat(forecast.records()).as(backend).isEqualTo(30_000);
            assertThat(passThrough.records()).as(backend).isEqualTo(30_000);
            assertThat(forecast.eventsPerSecond()).isPositive();
            assertThat(forecast.taskCpuMicrosPerEvent()).isPositive();
        }
    }

    @Test
    void theScoredGraphEmitsOneErrorRecordPerMaturedForecast() throws Exception {
        JobBenchmark.Rate scored = bench.measure("hashmap", JobBenchmark.Graph.FORECAST_AND_SCORE);
        int h = settings.horizons();
        // Every event's forecast matures at each horizon, but the last h events of each series.
        assertThat(scored.records()).isBetween((long) h * (30_000 - 1_001L * h), 30_000L * h);
    }

    @Test
    void printsTheFiguresInTheAgreedOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JobBenchmark(new PrintStream(bytes, true, StandardCharsets.UTF_8), settings, net, 100, 2_000, 2,
                MemorySize.ofMebiBytes(128)).runAll();

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String[] expected = {"bench job: .*", "state per key, serialized, .* bytes for LSTM H=64",
            "forecast-job \\d+ events/s .*", "pass-through-job \\d+ events/s .*", "ratio \\d+\\.\\d\\d",
            "forecast-job rocksdb \\d+ events/s .*", "pass-through-job rocksdb \\d+ events/s .*",
            "ratio rocksdb \\d+\\.\\d\\d"};
        assertThat(lines).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(lines.get(i)).matches(expected[i]);
        }
    }
}
