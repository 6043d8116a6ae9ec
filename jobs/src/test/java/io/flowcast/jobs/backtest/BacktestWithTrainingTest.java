package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.records.Forecast;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest with training, end to end (train, then forecast with every version preloaded): the
 * same forecasts every run and at any parallelism, and no forecast depends on data after its event.
 * Input and tiny recipe as in {@link BacktestTrainingTest}.
 */
class BacktestWithTrainingTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ForecastSettings SETTINGS = ForecastSettings.defaults().withHorizons(3);

    @Test
    void sameForecastsEveryRunAndAtAnyParallelism(@TempDir Path dir) throws Exception {
        Path input = BacktestTrainingTest.write(dir, false);
        BacktestRun first = BacktestJob.run(input, SETTINGS, BacktestTrainingTest.tiny(), 2);
        BacktestRun second = BacktestJob.run(input, SETTINGS, BacktestTrainingTest.tiny(), 2);
        BacktestRun serial = BacktestJob.run(input, SETTINGS, BacktestTrainingTest.tiny(), 1);

        assertThat(first.forecasts()).containsOnlyKeys("a", "b/x", "b/y", "c");
        long trained = first.forecasts().values().stream().flatMap(List::stream).filter(f -> f.modelVersion > 0).count();
        assertThat(trained).as("forecasts made by trained versions").isGreaterThan(first.forecastCount() / 3);
        assertThat(second.forecasts()).isEqualTo(first.forecasts());
        assertThat(serial.forecasts()).isEqualTo(first.forecasts());
    }

    @Test
    void noForecastDependsOnLaterData(@TempDir Path dir) throws Exception {
        BacktestRun base = BacktestJob.run(BacktestTrainingTest.write(dir.resolve("base"), false), SETTINGS,
                BacktestTrainingTest.tiny(), 2);
        BacktestRun changed = BacktestJob.run(BacktestTrainingTest.write(dir.resolve("changed"), true), SETTINGS,
                BacktestTrainingTest.tiny(), 2);
        long changeAt = BacktestTrainingTest.T0.plusHours(BacktestTrainingTest.CHANGE_AT).toInstant(ZoneOffset.UTC).toEpochMilli();
        int compared = 0;
        int differentAfter = 0;
        for (Map.Entry<String, List<Forecast>> e : base.forecasts().entrySet()) {
            if (e.getKey().equals("c")) {
                continue; // half-hourly: changed from another row (see BacktestTrainingTest)
            }
            List<Forecast> other = changed.forecasts().get(e.getKey());
            for (int i = 0; i < e.getValue().size(); i++) {
                Forecast f = e.getValue().get(i);
                if (f.eventTime < changeAt) {
                    assertThat(other.get(i)).as("%s at %d", e.getKey(), f.eventTime).isEqualTo(f);
                    compared += f.modelVersion > 0 ? 1 : 0;
                } else if (!other.get(i).equals(f)) {
                    differentAfter++;
                }
            }
        }
        assertThat(compared).as("forecasts by trained versions before the change").isGreaterThan(100);
        assertThat(differentAfter).as("the change shows after it").isPositive();
    }
}
