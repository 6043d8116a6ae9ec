package io.flowcast.jobs.bench;

import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Observations for the job benchmark: {@code keys} series, one value a minute each (a daily sine plus a
 * per-key offset). Each source reader owns the keys {@code k ≡ reader index (mod readers)} and cycles
 * through them, so every key is produced by one reader and its event times only increase: nothing is
 * late, and both benchmarked jobs do the same work per event.
 */
final class SyntheticSeries implements GeneratorFunction<Long, Observation> {

    private static final long serialVersionUID = 1L;
    private static final long START = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;

    private final int keys;
    private transient String[] ownKeys;

    SyntheticSeries(int keys) {
        this.keys = keys;
    }

    @Override
    public void open(SourceReaderContext context) {
        int readers = context.currentParallelism();
        int reader = context.getIndexOfSubtask();
        int own = (keys - reader + readers - 1) / readers;
        ownKeys = new String[Math.max(own, 1)];
        for (int i = 0; i < ownKeys.length; i++) {
            ownKeys[i] = "series-" + (reader + (long) i * readers);
        }
    }

    @Override
    public Observation map(Long index) {
        int slot = (int) (index % ownKeys.length);
        long step = index / ownKeys.length;
        float value = (float) (50 + 10 * Math.sin(step * (2 * Math.PI / 1440)) + slot % 10);
        return new Observation(ownKeys[slot], START + step * MINUTE, null, new float[] {value});
    }
}
