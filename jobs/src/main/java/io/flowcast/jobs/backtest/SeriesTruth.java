package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The observed values each forecast is scored against, read from the same files on the client side.
 * A series is the events the forecaster accepts (event time strictly increasing per key: late events
 * and repeated timestamps dropped, as the forecaster does), so its i-th value belongs to its i-th forecast.
 */
final class SeriesTruth {

    /** One series' accepted events: times and values (NaN where missing). */
    record Series(long[] times, float[] values) {
    }

    private SeriesTruth() {
    }

    static Map<String, Series> read(List<SeriesFile> files) throws IOException {
        Map<String, Builder> builders = new HashMap<>();
        SeriesCsvReader.Output collect = new SeriesCsvReader.Output() {
            @Override
            public void observation(Observation o) {
                builders.computeIfAbsent(o.key, k -> new Builder()).accept(o.timestamp, o.values[0]);
            }

            @Override
            public void unreadable(DeadLetter deadLetter) {
                // Not part of any series; the job reports these.
            }
        };
        for (SeriesFile file : files) {
            SeriesCsvReader.read(file, collect);
        }
        Map<String, Series> series = new HashMap<>();
        builders.forEach((key, b) -> series.put(key, b.build()));
        return series;
    }

    private static final class Builder {
        private long[] times = new long[1024];
        private float[] values = new float[1024];
        private int size;

        void accept(long time, float value) {
            if (size > 0 && time <= times[size - 1]) {
                return;
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            times[size] = time;
            values[size] = value;
            size++;
        }

        Series build() {
            return new Series(Arrays.copyOf(times, size), Arrays.copyOf(values, size));
        }
    }
}
