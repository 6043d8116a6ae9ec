package io.flowcast.model.online;

import java.util.Locale;

/**
 * Running point-forecast accuracy: RMSE, NRMSE (RMSE over a given scale, e.g. the series' standard
 * deviation as in Numenta's scoring) and WAPE = sum|error| / sum|truth| (what Numenta's scripts
 * call "MAPE"). Pairs with a NaN truth or forecast are skipped (counted in {@link #skipped()}).
 * Sums are in double; allocation-free.
 */
public final class ForecastAccuracy {

    private long count;
    private long skipped;
    private double sumSquaredError;
    private double sumAbsError;
    private double sumAbsTruth;

    public void add(double forecast, double truth) {
        if (Double.isNaN(forecast) || Double.isNaN(truth)) {
            skipped++;
            return;
        }
        double e = forecast - truth;
        count++;
        sumSquaredError += e * e;
        sumAbsError += Math.abs(e);
        sumAbsTruth += Math.abs(truth);
    }

    public long count() {
        return count;
    }

    public long skipped() {
        return skipped;
    }

    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(sumSquaredError / count);
    }

    /** RMSE divided by {@code scale} (Numenta: the population std of the whole series). */
    public double nrmse(double scale) {
        return rmse() / scale;
    }

    public double mae() {
        return count == 0 ? Double.NaN : sumAbsError / count;
    }

    /** sum|forecast - truth| / sum|truth|. */
    public double wape() {
        return sumAbsTruth == 0 ? Double.NaN : sumAbsError / sumAbsTruth;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ForecastAccuracy{n=%d, skipped=%d, rmse=%.4g, mae=%.4g, wape=%.4f}",
                count, skipped, rmse(), mae(), wape());
    }
}
