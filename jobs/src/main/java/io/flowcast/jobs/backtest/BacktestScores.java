package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.Forecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Accuracy where the truth is known: the forecast made at a series' i-th event for horizon h is scored
 * against its (i+h)-th event (horizons count events of that series, not clock time), skipping pairs
 * where either side is missing and the first {@code skip} events of each series (warm-up).
 * <ul>
 *   <li>NRMSE = RMSE / population std of the series' observed values (all of them, as the NAB/HTM
 *       scripts normalise);
 *   <li>WAPE = sum |error| / sum |truth|.
 * </ul>
 * Over several series, each horizon's figure is the mean of the per-series figures (every series
 * weighs the same whatever its units); series with no spread or no scored pair are left out.
 */
public final class BacktestScores {

    /**
     * One figure: a series' (or, with key null, the mean over series) at one horizon, with
     * persistence (the last observed value, scored on the same pairs) beside it.
     */
    public record Score(String key, int horizon, long pairs, double nrmse, double wape, double persistenceNrmse,
                        double persistenceWape) {
    }

    private final List<Score> perKey;
    private final List<Score> perHorizon;
    private final long missingValues;
    /** {fraction of actuals inside p10..p90, forecasts with a band}; null when no forecast had one. */
    private double[] coverage;

    private BacktestScores(List<Score> perKey, List<Score> perHorizon, long missingValues) {
        this.perKey = perKey;
        this.perHorizon = perHorizon;
        this.missingValues = missingValues;
    }

    static BacktestScores compute(Map<String, SeriesTruth.Series> truth, SortedMap<String, List<Forecast>> forecasts,
                                  int horizons, int skip) {
        List<Score> perKey = new ArrayList<>();
        double[] nrmseSum = new double[horizons + 1];
        double[] wapeSum = new double[horizons + 1];
        double[] persistenceNrmseSum = new double[horizons + 1];
        double[] persistenceWapeSum = new double[horizons + 1];
        int[] nrmseKeys = new int[horizons + 1];
        int[] wapeKeys = new int[horizons + 1];
        long[] pairs = new long[horizons + 1];
        long[] missing = new long[1];
        forecasts.forEach((key, list) -> {
            SeriesTruth.Series series = truth.get(key);
            for (float v : series.values()) {
                missing[0] += Float.isNaN(v) ? 1 : 0;
            }
            double std = populationStd(series.values());
            for (int h = 1; h <= horizons; h++) {
                Score s = score(key, h, series.values(), list, skip, std);
                perKey.add(s);
                pairs[h] += s.pairs();
                if (!Double.isNaN(s.nrmse())) {
                    nrmseSum[h] += s.nrmse();
                    persistenceNrmseSum[h] += s.persistenceNrmse();
                    nrmseKeys[h]++;
                }
                if (!Double.isNaN(s.wape())) {
                    wapeSum[h] += s.wape();
                    persistenceWapeSum[h] += s.persistenceWape();
                    wapeKeys[h]++;
                }
            }
        });
        List<Score> perHorizon = new ArrayList<>();
        for (int h = 1; h <= horizons; h++) {
            perHorizon.add(new Score(null, h, pairs[h], mean(nrmseSum[h], nrmseKeys[h]), mean(wapeSum[h], wapeKeys[h]),
                    mean(persistenceNrmseSum[h], nrmseKeys[h]), mean(persistenceWapeSum[h], wapeKeys[h])));
        }
        BacktestScores scores = new BacktestScores(perKey, perHorizon, missing[0]);
        long[] band = new long[2]; // {inside, with a band}
        forecasts.forEach((key, list) -> {
            float[] values = truth.get(key).values();
            for (int i = skip; i < list.size(); i++) {
                Forecast f = list.get(i);
                if (f.p10 == null || f.p90 == null) {
                    continue;
                }
                for (int h = 1; h <= Math.min(horizons, f.p10.length) && i + h < values.length; h++) {
                    float actual = values[i + h];
                    if (Float.isNaN(actual) || Float.isNaN(f.p10[h - 1]) || Float.isNaN(f.p90[h - 1])) {
                        continue;
                    }
                    band[1]++;
                    band[0] += actual >= f.p10[h - 1] && actual <= f.p90[h - 1] ? 1 : 0;
                }
            }
        });
        scores.coverage = band[1] == 0 ? null : new double[] {(double) band[0] / band[1], band[1]};
        return scores;
    }

    private static double mean(double sum, int n) {
        return n == 0 ? Double.NaN : sum / n;
    }

    private static Score score(String key, int h, float[] truth, List<Forecast> list, int skip, double std) {
        double squared = 0;
        double absolute = 0;
        double persistenceSquared = 0;
        double persistenceAbsolute = 0;
        double truthAbsolute = 0;
        long n = 0;
        float last = Float.NaN;
        for (int i = 0; i + h < truth.length; i++) {
            last = Float.isNaN(truth[i]) ? last : truth[i];
            float actual = truth[i + h];
            float predicted = list.get(i).values[h - 1];
            if (i < skip || Float.isNaN(actual) || Float.isNaN(predicted) || Float.isNaN(last)) {
                continue;
            }
            double err = (double) predicted - actual;
            squared += err * err;
            absolute += Math.abs(err);
            double persistenceErr = (double) last - actual;
            persistenceSquared += persistenceErr * persistenceErr;
            persistenceAbsolute += Math.abs(persistenceErr);
            truthAbsolute += Math.abs(actual);
            n++;
        }
        double nrmse = n == 0 || std == 0 ? Double.NaN : Math.sqrt(squared / n) / std;
        double wape = n == 0 || truthAbsolute == 0 ? Double.NaN : absolute / truthAbsolute;
        double persistenceNrmse = n == 0 || std == 0 ? Double.NaN : Math.sqrt(persistenceSquared / n) / std;
        double persistenceWape = n == 0 || truthAbsolute == 0 ? Double.NaN : persistenceAbsolute / truthAbsolute;
        return new Score(key, h, n, nrmse, wape, persistenceNrmse, persistenceWape);
    }

    private static double populationStd(float[] values) {
        long n = 0;
        double mean = 0;
        double m2 = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) {
                n++;
                double d = v - mean;
                mean += d / n;
                m2 += d * (v - mean);
            }
        }
        return n == 0 ? 0 : Math.sqrt(m2 / n);
    }

    /** {fraction of actuals inside p10..p90, pairs with a band} over every horizon; null without quantiles. */
    public double[] coverage() {
        return coverage;
    }

    public List<Score> perKey() {
        return perKey;
    }

    public List<Score> perHorizon() {
        return perHorizon;
    }

    /** Accepted events whose value was missing: forecast through (imputed), never scored as truth. */
    public long missingValues() {
        return missingValues;
    }

    /**
     * Why no figure at all could be computed (every horizon's NRMSE and WAPE NaN), or null when some
     * could: no usable row, no pair of a forecast and a later value, or series without spread.
     */
    public static String whyNothingScored(BacktestRun run, BacktestScores scores) {
        boolean anyFigure = scores.perHorizon().stream()
                .anyMatch(s -> !Double.isNaN(s.nrmse()) || !Double.isNaN(s.wape()));
        if (anyFigure) {
            return null;
        }
        if (run.forecastCount() == 0) {
            return "no row was read as an observation" + (run.deadLetters().isEmpty() ? " (no data rows)"
                    : " (" + run.deadLetters().size() + " rows rejected: " + run.deadLettersByReason() + ")");
        }
        long pairs = scores.perHorizon().stream().mapToLong(Score::pairs).sum();
        if (pairs == 0) {
            return run.forecastCount() + " forecasts, but none has a later observed value to compare with "
                    + "(series shorter than the horizon plus --skip, or values missing)";
        }
        return pairs + " forecast-value pairs, but every series is constant and zero (no spread for NRMSE, "
                + "no volume for WAPE)";
    }
}
