package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.Forecast;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The backtest's output: {@code key,timestamp,horizon,forecast}, one row per event per horizon, in
 * key order then event order; {@code timestamp} exactly as in the input; {@code p10,p90} columns only
 * when some forecast carries quantiles. Values are printed as Java floats (shortest text that reads
 * back to the same float; {@code NaN} where no forecast exists yet).
 */
public final class ForecastCsv {

    private ForecastCsv() {
    }

    /** Writes the file; returns the number of data rows. */
    public static long write(Path file, Map<String, List<Forecast>> forecastsByKey) throws IOException {
        boolean quantiles = forecastsByKey.values().stream().flatMap(List::stream).anyMatch(f -> f.p10 != null);
        long rows = 0;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            out.write(quantiles ? "key,timestamp,horizon,forecast,p10,p90\n" : "key,timestamp,horizon,forecast\n");
            StringBuilder row = new StringBuilder(128);
            for (Map.Entry<String, List<Forecast>> e : forecastsByKey.entrySet()) {
                String key = quoted(e.getKey());
                for (Forecast f : e.getValue()) {
                    String timestamp = quoted(f.rawTimestamp);
                    for (int h = 0; h < f.values.length; h++) {
                        row.setLength(0);
                        row.append(key).append(',').append(timestamp).append(',').append(h + 1).append(',')
                                .append(f.values[h]);
                        if (quantiles) {
                            row.append(',').append(f.p10 == null ? "" : Float.toString(f.p10[h]))
                                    .append(',').append(f.p90 == null ? "" : Float.toString(f.p90[h]));
                        }
                        out.append(row).append('\n');
                        rows++;
                    }
                }
            }
        }
        return rows;
    }

    private static String quoted(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
