package io.flowcast.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.lang.management.ManagementFactory;
import org.apache.flink.api.common.typeinfo.Types;
import java.util.List;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * Per event the forecaster may allocate the emitted Forecast and its values, nothing else (heap
 * state). Measured with the thread's allocation counter against a reference operator that only
 * builds and emits the same Forecast in the same harness, so the harness's own copying cancels out;
 * the least of several rounds, after warm-up rounds of both. Measured before any model (the baseline)
 * and after one arrives on the broadcast side (a residual LSTM, re-warmed per key in the first round).
 * Whether the JIT removes a short-lived allocation can depend on what ran before in the same JVM
 * (a RocksDB-backed test, say); {@link BroadcastStateReadTest} checks deterministically the one
 * this measurement sees only then.
 */
class ForecastAllocationTest {

    private static final int KEYS = 500;
    private static final int EVENTS = 50_000;
    /** Less than the smallest object (16 bytes): any extra allocation per event fails. */
    private static final long SLACK_BYTES = 15;

    @Test
    void perEventTheForecasterAllocatesOnlyTheForecastItEmits() throws Exception {
        measure(false);
    }

    @Test
    void afterAModelArrivesItStillAllocatesOnlyTheForecast() throws Exception {
        measure(true);
    }

    private static void measure(boolean model) throws Exception {
        ForecastSettings settings = ForecastSettings.defaults().withSeasonLength(4);
        try (Harnessed forecaster = new Harnessed(new CoBroadcastWithKeyedOperator<>(new ForecastFunction(settings, List.of()),
                     List.of(ForecastFunction.MODELS)));
             Harnessed reference = new Harnessed(new CoBroadcastWithKeyedOperator<>(new EmitForecast(),
                     List.of(ForecastFunction.MODELS)))) {
            if (model) {
                ModelRecord r = ModelRecord.of(TestModels.model(settings.modelNames().fixedName(), 1, Long.MIN_VALUE,
                        false, settings.horizons())); // a model serves only at the job's horizons
                forecaster.harness.processBroadcastElement(new StreamRecord<>(r, 0));
            }
            // Rounds alternate, so code both share (the harness) is compiled alike before either counts.
            long forecasterBytes = Long.MAX_VALUE;
            long referenceBytes = Long.MAX_VALUE;
            for (int round = 0; round < 6; round++) {
                long f = forecaster.bytesPerEvent(round);
                long r = reference.bytesPerEvent(round);
                if (round >= 2) {
                    forecasterBytes = Math.min(forecasterBytes, f);
                    referenceBytes = Math.min(referenceBytes, r);
                }
            }
            System.out.printf("allocation per event%s: forecaster %d bytes, reference %d bytes%n",
                    model ? " (model v1)" : " (baseline)", forecasterBytes, referenceBytes);
            assertThat(forecasterBytes - referenceBytes).as("bytes per event beyond the reference")
                    .isLessThanOrEqualTo(SLACK_BYTES);
        }
    }

    /** One operator in a harness, fed rounds of events over {@link #KEYS} keys with rising times. */
    private static final class Harnessed implements AutoCloseable {
        private final KeyedBroadcastOperatorTestHarness<String, Observation, ModelRecord, Forecast> harness;
        private final Observation[] events = new Observation[EVENTS];
        private final StreamRecord<Observation> record = new StreamRecord<>(null);

        Harnessed(CoBroadcastWithKeyedOperator<String, Observation, ModelRecord, Forecast> operator) throws Exception {
            harness = new KeyedBroadcastOperatorTestHarness<>(operator, new ForecastPipeline.SeriesKey(), Types.STRING,
                    128, 1, 0);
            harness.open();
            for (int i = 0; i < EVENTS; i++) {
                events[i] = new Observation("k" + (i % KEYS), 0, "t", new float[] {i % 13});
            }
        }

        long bytesPerEvent(int round) throws Exception {
            long before = allocatedBytes();
            for (int i = 0; i < EVENTS; i++) {
                Observation o = events[i];
                o.timestamp = 60_000L * (round * EVENTS + i) / KEYS;
                harness.processElement(record.replace(o, o.timestamp));
            }
            long bytes = allocatedBytes() - before;
            harness.getOutput().clear();
            return bytes / EVENTS;
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Emits a new Forecast of 5 values per event, as the forecaster does, and does nothing else. */
    private static final class EmitForecast extends KeyedBroadcastProcessFunction<String, Observation, ModelRecord, Forecast> {
        @Override
        public void processBroadcastElement(ModelRecord value, Context ctx, Collector<Forecast> out) {
        }

        @Override
        public void processElement(Observation value, ReadOnlyContext ctx, Collector<Forecast> out) {
            Forecast f = new Forecast();
            f.key = value.key;
            f.eventTime = value.timestamp;
            f.rawTimestamp = value.rawTimestamp;
            f.values = new float[5];
            f.emittedAt = ctx.timerService().currentProcessingTime();
            out.collect(f);
        }
    }
}
