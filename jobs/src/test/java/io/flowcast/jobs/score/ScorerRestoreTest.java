package io.flowcast.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.Forecast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scorer's state goes through a checkpoint on both backends (its explicit serializer in real
 * use): restored, it emits exactly what it would have emitted without the interruption, and an
 * expired series leaves no key in the backend.
 */
class ScorerRestoreTest {

    private static final long T0 = 1_709_510_400_000L;
    private static final long MINUTE = 60_000L;
    private static final ScoringSettings SETTINGS = new ScoringSettings(3, 4, Duration.ofHours(1));

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Forecast, ForecastError> open(
            String backend, OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Forecast, ForecastError>(
                new KeyedProcessOperator<>(new ForecastScorer(SETTINGS)), f -> f.key, Types.STRING);
        h.setStateBackend(backend(backend));
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** Step i of series {@code key}: values differ by series, step and horizon; every 4th carries a band. */
    private static Forecast step(String key, int i) {
        Forecast f = new Forecast();
        f.key = key;
        f.eventTime = T0 + i * MINUTE;
        f.modelVersion = i / 5;
        float base = key.length() * 100 + i;
        f.values = new float[] {base + 0.1f, base + 0.2f, base + 0.3f};
        if (i % 4 == 0) {
            f.p10 = new float[] {base, base, base};
            f.p90 = new float[] {base + 1, base + 1, base + 1};
        }
        f.observed = (i * 37 % 11) + key.length() * 100;
        return f;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Forecast, ForecastError> h,
                             int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            for (String key : List.of("x", "yy")) {
                Forecast e = step(key, i);
                h.processElement(e, e.eventTime);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoredFromACheckpointItEmitsWhatAnUninterruptedScorerEmits(String backend) throws Exception {
        List<ForecastError> uninterrupted;
        OperatorSubtaskState checkpoint;
        int before;
        try (var h = open(backend, null)) {
            feed(h, 0, 12);
            checkpoint = h.snapshot(1, 1);
            before = h.extractOutputValues().size();
            feed(h, 12, 30);
            uninterrupted = new ArrayList<>(h.extractOutputValues().subList(before, h.extractOutputValues().size()));
        }
        assertThat(uninterrupted).hasSize(2 * 18 * 3);
        try (var h = open(backend, checkpoint)) {
            assertThat(h.numEventTimeTimers()).as("each series' expiry timer is restored").isEqualTo(2);
            feed(h, 12, 30);
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(uninterrupted);

            h.processWatermark(T0 + 29 * MINUTE + SETTINGS.seriesTtl().toMillis());
            assertThat(keysLeft(h)).as("both series expired").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    private static long keysLeft(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) throws Exception {
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        try (Stream<String> keys = backend.getKeys(ForecastScorer.STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }
}
