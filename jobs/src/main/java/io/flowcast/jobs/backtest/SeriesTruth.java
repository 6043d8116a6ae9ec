package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The input as the forecaster accepts it, read again on the client side: per series the events with
 * event time strictly increasing (late events and repeated timestamps dropped, as the forecaster does),
 * so a series' i-th forecast belongs to its i-th event here. Gives the scores their truth and the
 * output its raw timestamps.
 */
public final class SeriesTruth {

    /** One series' accepted events: times, values (NaN where missing) and timestamps as written. */
    public record Series(long[] times, float[] values, String[] raw) {
    }

    private SeriesTruth() {
    }

    public static Map<String, Series> read(List<SeriesFile> files) throws IOException {
        Map<String, Builder> builders = new HashMap<>();
        SeriesCsvReader.Output collect = new SeriesCsvReader.Output() {
            @Override
            public void observation(Observation o) {
                builders.computeIfAbsent(o.key, k -> new Builder()).accept(o);
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
        private final List<String> raw = new ArrayList<>();

        void accept(Observation o) {
            int size = raw.size();
            if (size > 0 && o.timestamp <= times[size - 1]) {
                return;
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            times[size] = o.timestamp;
            values[size] = o.values[0];
            raw.add(o.rawTimestamp);
        }

        Series build() {
            int size = raw.size();
            return new Series(Arrays.copyOf(times, size), Arrays.copyOf(values, size), raw.toArray(new String[0]));
        }
    }
}
