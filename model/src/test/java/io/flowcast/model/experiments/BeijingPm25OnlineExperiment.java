package io.flowcast.model.experiments;

import io.flowcast.model.SharedFiles;
import io.flowcast.model.online.ForecastAccuracy;
import io.flowcast.model.online.OnlineForecaster;
import io.flowcast.model.online.OnlineRecipe;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The NYC recipe's defaults, unchanged, on Beijing PM2.5 (hourly, 12 stations as 12 keys of one
 * shared model, NA gaps): at each hour t, forecast each station's PM2.5 at t+6 from data up to t;
 * score every hour from the second year on whose truth is present, per station, against
 * persistence (the last observed value) and the seasonal reference.
 *
 * <p>Run: {@code java -cp model/target/classes:model/target/test-classes
 * io.flowcast.model.experiments.BeijingPm25OnlineExperiment [stations=Dongsi,Wanliu] [name=value ...]
 * [hours=17520]} (recipe overrides as in {@link NycTaxiOnlineExperiment}; {@code hours} keeps the
 * first N hours only, for a cheaper check).
 */
public final class BeijingPm25OnlineExperiment {

    static final int HORIZON = 6;
    static final int SCORE_FROM = 365 * 24;

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(
                SharedFiles.dataDir().resolve("beijing_air/beijing_pm25_12stations_hourly.csv"));
        String[] header = lines.get(0).split(",");
        List<String> stations = new ArrayList<>(Arrays.asList(header).subList(1, header.length));
        List<String> recipeArgs = new ArrayList<>();
        int hours = lines.size() - 1;
        for (String a : args) {
            if (a.startsWith("hours=")) { // a shorter run: the first N hours only
                hours = Math.min(hours, Integer.parseInt(a.substring(6)));
            } else if (a.startsWith("stations=")) {
                stations.retainAll(Arrays.asList(a.substring(9).split(",")));
            } else {
                recipeArgs.add(a);
            }
        }
        int n = hours;
        long[] times = new long[n];
        float[][] values = new float[stations.size()][n];
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        List<String> columns = Arrays.asList(header);
        for (int t = 0; t < n; t++) {
            String[] cols = lines.get(t + 1).strip().split(",");
            times[t] = LocalDateTime.parse(cols[0], f).toInstant(ZoneOffset.UTC).toEpochMilli();
            for (int s = 0; s < stations.size(); s++) {
                String v = cols[columns.indexOf(stations.get(s))];
                values[s][t] = v.equals("NA") ? Float.NaN : Float.parseFloat(v);
            }
        }
        OnlineRecipe recipe = NycTaxiOnlineExperiment.RecipeArgs.apply(
                OnlineRecipe.defaults(Duration.ofHours(1), HORIZON), recipeArgs.toArray(String[]::new));
        System.out.println(recipe);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        OnlineForecaster forecaster = new OnlineForecaster(recipe, Duration.ofHours(1));
        float[][] forecast = new float[stations.size()][n];
        float[][] filled = new float[stations.size()][n];
        for (int t = 0; t < n; t++) {
            for (int s = 0; s < stations.size(); s++) {
                forecast[s][t] = forecaster.observe(stations.get(s), times[t], values[s][t]);
                float v = values[s][t];
                filled[s][t] = Float.isNaN(v) && t > 0 ? filled[s][t - 1] : v;
            }
            forecaster.maybeRetrain(times[t]);
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;

        System.out.println("station           model RMSE  WAPE   | persistence RMSE  WAPE | model/persistence RMSE");
        int beaten = 0;
        for (int s = 0; s < stations.size(); s++) {
            ForecastAccuracy model = new ForecastAccuracy();
            ForecastAccuracy persistence = new ForecastAccuracy();
            for (int t = SCORE_FROM; t + HORIZON < n; t++) {
                float truth = values[s][t + HORIZON];
                if (!Float.isNaN(truth) && !Float.isNaN(filled[s][t])) {
                    model.add(forecast[s][t], truth);
                    persistence.add(filled[s][t], truth);
                }
            }
            double ratio = model.rmse() / persistence.rmse();
            beaten += ratio < 1 && model.wape() < persistence.wape() ? 1 : 0;
            System.out.printf(Locale.ROOT, "%-16s  %8.2f  %5.1f%%  |  %8.2f  %5.1f%%  |  %.3f%n", stations.get(s),
                    model.rmse(), 100 * model.wape(), persistence.rmse(), 100 * persistence.wape(), ratio);
        }
        System.out.printf(Locale.ROOT, "%d of %d stations beat persistence (RMSE and WAPE)%n", beaten, stations.size());
        System.out.println("baseline coefficients of the last model, per horizon (last, reference): "
                + Arrays.toString(forecaster.baselineCoefficients()));
        System.out.printf(Locale.ROOT, "retrains %d, published %d (%d of them the baseline alone); CPU %.1f s, wall %.1f s%n",
                forecaster.fits(), forecaster.published(), forecaster.publishedBaselines(), cpu, wall);
    }
}
