package io.flowcast.model.experiments;

import io.flowcast.model.SharedFiles;
import io.flowcast.model.online.ForecastAccuracy;
import io.flowcast.model.online.OnlineForecaster;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.RecipeOverrides;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Numenta's online NYC-taxi protocol (Cui, Ahmad & Hawkins 2016) with {@link OnlineForecaster}:
 * at each half-hourly record t, forecast the passenger count at t+5 (2.5 h ahead) from data up to
 * t only, learning online; score records 10,000 to the last whose t+5 exists: NRMSE = RMSE / std of
 * the whole series (6,821.08), "MAPE" = sum|err| / sum|truth|. Published on the same protocol:
 * persistence 0.926 / 32.2%, HTM 0.287 / 8.1%, LSTM-6000 0.274 / 8.2%, kNN 0.259 / 7.1%.
 *
 * <p>Run (from the repository root, after {@code mvn -q -B -o -pl model test-compile}):
 * <pre>
 * java -cp model/target/classes:model/target/test-classes io.flowcast.model.experiments.NycTaxiOnlineExperiment
 * </pre>
 * Arguments {@code name=value} override the recipe for experiments (see {@link RecipeArgs}).
 * Single-threaded; prints thread CPU time beside wall time. The same seed gives the same figures.
 */
public final class NycTaxiOnlineExperiment {

    static final int HORIZON = 5;
    static final int SCORE_FROM = 10_000;
    static final double SERIES_STD = 6821.08;

    public static void main(String[] args) throws IOException {
        Path file = SharedFiles.dataDir().resolve("htmresearch/nyc_taxi.csv");
        Series series = Series.readNupic(file);
        String dump = System.getProperty("forecasts"); // optional: write t, value, forecast(t+5) as CSV
        OnlineRecipe recipe = RecipeArgs.apply(OnlineRecipe.defaults(Duration.ofMinutes(30), HORIZON), args);
        System.out.println(recipe);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long trainCpu = 0;

        OnlineForecaster forecaster = new OnlineForecaster(recipe, Duration.ofMinutes(30));
        int n = series.size();
        float[] forecast = new float[n];
        for (int t = 0; t < n; t++) {
            forecast[t] = forecaster.observe("nyc", series.time(t), series.value(t));
            long c = threads.getCurrentThreadCpuTime();
            if (forecaster.maybeRetrain(series.time(t)) != null) {
                trainCpu += threads.getCurrentThreadCpuTime() - c;
            }
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;

        ForecastAccuracy model = new ForecastAccuracy();
        ForecastAccuracy persistence = new ForecastAccuracy();
        for (int t = SCORE_FROM; t + HORIZON < n; t++) {
            model.add(forecast[t], series.value(t + HORIZON));
            persistence.add(series.value(t), series.value(t + HORIZON));
        }
        System.out.printf(Locale.ROOT, "persistence: NRMSE %.4f  MAPE %.2f%%%n",
                persistence.nrmse(SERIES_STD), 100 * persistence.wape());
        System.out.printf(Locale.ROOT, "model:       NRMSE %.4f  MAPE %.2f%%  (%d scored)%n",
                model.nrmse(SERIES_STD), 100 * model.wape(), model.count());
        if (dump != null) {
            StringBuilder csv = new StringBuilder("t,value,forecast\n");
            for (int t = 0; t < n; t++) {
                csv.append(t).append(',').append(series.value(t)).append(',').append(forecast[t]).append('\n');
            }
            Files.writeString(Path.of(dump), csv);
        }
        System.out.println("baseline coefficients of the last model, per horizon (last, reference): "
                + Arrays.toString(forecaster.baselineCoefficients()));
        System.out.printf(Locale.ROOT, "retrains %d, published %d (%d of them the baseline alone); CPU %.1f s (training %.1f s), wall %.1f s%n",
                forecaster.fits(), forecaster.published(), forecaster.publishedBaselines(), cpu, trainCpu / 1e9, wall);
    }

    /** A regular series read from a NuPIC CSV (3 header lines, CRLF), naive local time read as UTC. */
    record Series(long[] times, float[] values) {
        static Series readNupic(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file);
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
            int n = lines.size() - 3;
            long[] times = new long[n];
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                String[] cols = lines.get(i + 3).strip().split(",");
                times[i] = LocalDateTime.parse(cols[0], f).toInstant(ZoneOffset.UTC).toEpochMilli();
                values[i] = Float.parseFloat(cols[1]);
            }
            return new Series(times, values);
        }

        int size() {
            return values.length;
        }

        long time(int i) {
            return times[i];
        }

        float value(int i) {
            return values[i];
        }
    }

    /** {@code name=value} overrides of a recipe ({@link RecipeOverrides}), plus {@code ensemble=true|false}. */
    static final class RecipeArgs {
        static OnlineRecipe apply(OnlineRecipe base, String[] args) {
            java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
            Boolean ensemble = null;
            for (String arg : args) {
                String[] kv = arg.split("=", 2);
                if (kv[0].equals("ensemble")) {
                    ensemble = Boolean.parseBoolean(kv[1]);
                } else {
                    overrides.put(kv[0], kv[1]);
                }
            }
            OnlineRecipe recipe = RecipeOverrides.apply(base, overrides);
            if (ensemble == null) {
                return recipe;
            }
            OnlineRecipe.Builder b = recipe.toBuilder();
            b.ensemble = ensemble;
            return b.build();
        }
    }
}
