package io.flowcast.jobs.backtest;

import java.util.Objects;

/** One input data file and the key its series are named after (a Flink POJO). */
public class SeriesFile {

    public String path;
    public String key;

    public SeriesFile() {
    }

    public SeriesFile(String path, String key) {
        this.path = path;
        this.key = key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesFile f && Objects.equals(path, f.path) && Objects.equals(key, f.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, key);
    }

    @Override
    public String toString() {
        return key + " <- " + path;
    }
}
