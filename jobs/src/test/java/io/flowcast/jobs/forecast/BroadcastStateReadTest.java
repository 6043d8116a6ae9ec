package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The forecaster takes the models restored with the broadcast state once, at its first element, and
 * never reads broadcast state per event: in Flink 2.2 every {@code ReadOnlyContext.getBroadcastState}
 * call allocates (it calls {@code StateDescriptor.initializeSerializerUnlessSet(ExecutionConfig)},
 * which makes a new {@code SerializerFactory} each time), and whether the JIT removes that
 * allocation depends on what else ran in the JVM, so {@link ForecastAllocationTest} catches it only
 * sometimes (24 bytes per event after a RocksDB-backed test in the same JVM). This counts the reads.
 */
class BroadcastStateReadTest {

    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(TestModels.HORIZON)
            .withSeasonLength(TestModels.SEASON);

    @Test
    void theRestoredModelsAreReadOnceNotPerEvent() throws Exception {
        OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.sendModel(TestModels.record(settings.modelNames().fixedName(), 1, Long.MIN_VALUE, false));
            h.send(obs("a", T0, 1f));
            snapshot = h.snapshot(1);
        }
        CountingReads counting = new CountingReads(new ForecastFunction(settings));
        try (ForecastHarness h = new ForecastHarness(counting, counting.inner, null, snapshot, 1, 0)) {
            for (int i = 1; i <= 200; i++) {
                Forecast f = h.send(obs("a", T0 + i * MINUTE, (float) Math.sin(i))).get(0);
                assertThat(f.modelVersion).as("the restored model serves").isEqualTo(1);
            }
            assertThat(counting.reads).as("broadcast state reads for 200 events after a restore").isLessThanOrEqualTo(1);
        }
    }

    /** Runs a ForecastFunction, passing it a context that counts its broadcast state reads. */
    static final class CountingReads extends KeyedBroadcastProcessFunction<String, Observation, ModelRecord, Forecast>
            implements CheckpointedFunction {

        final ForecastFunction inner;
        int reads;

        CountingReads(ForecastFunction inner) {
            this.inner = inner;
        }

        @Override
        public void setRuntimeContext(RuntimeContext context) {
            super.setRuntimeContext(context);
            inner.setRuntimeContext(context);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            inner.initializeState(context);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            inner.snapshotState(context);
        }

        @Override
        public void open(OpenContext openContext) throws Exception {
            inner.open(openContext);
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }

        @Override
        public void processElement(Observation value, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
            inner.processElement(value, inner.new ReadOnlyContext() {
                @Override
                public <K, V> ReadOnlyBroadcastState<K, V> getBroadcastState(MapStateDescriptor<K, V> descriptor) {
                    reads++;
                    return ctx.getBroadcastState(descriptor);
                }

                @Override
                public TimerService timerService() {
                    return ctx.timerService();
                }

                @Override
                public String getCurrentKey() {
                    return ctx.getCurrentKey();
                }

                @Override
                public Long timestamp() {
                    return ctx.timestamp();
                }

                @Override
                public <X> void output(OutputTag<X> outputTag, X value) {
                    ctx.output(outputTag, value);
                }

                @Override
                public long currentProcessingTime() {
                    return ctx.currentProcessingTime();
                }

                @Override
                public long currentWatermark() {
                    return ctx.currentWatermark();
                }
            }, out);
        }

        @Override
        public void processBroadcastElement(ModelRecord value, Context ctx, Collector<Forecast> out) throws Exception {
            inner.processBroadcastElement(value, ctx, out);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
            inner.onTimer(timestamp, ctx, out);
        }
    }
}
