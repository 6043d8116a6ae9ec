package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/** A {@link ForecastOperator} in Flink's keyed broadcast operator test harness, with helpers to feed and inspect it. */
final class ForecastHarness implements AutoCloseable {

    static final long T0 = LocalDateTime.of(2024, 3, 4, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1000;
    static final long MINUTE = 60_000L;

    final ForecastFunction function;
    final KeyedBroadcastOperatorTestHarness<String, Observation, ModelRecord, Forecast> harness;
    private long processingTime;

    /** Opens a harness on {@code backend} (null: heap), restoring {@code restoreFrom} when not null. */
    ForecastHarness(ForecastSettings settings, List<ModelRecord> preloaded, StateBackend backend,
                    OperatorSubtaskState restoreFrom) throws Exception {
        function = new ForecastFunction(settings, preloaded);
        harness = new KeyedBroadcastOperatorTestHarness<>(new ForecastOperator(function),
                new ForecastPipeline.SeriesKey(), Types.STRING, 128, 1, 0);
        // Any type that would need Kryo now fails instead of silently using it.
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    ForecastHarness(ForecastSettings settings) throws Exception {
        this(settings, List.of(), null, null);
    }

    static Observation obs(String key, long time, float... values) {
        String raw = LocalDateTime.ofEpochSecond(time / 1000, 0, ZoneOffset.UTC).toString().replace('T', ' ');
        return new Observation(key, time, raw, values);
    }

    /** Sends one event; returns the forecasts it produced (none, or one). */
    List<Forecast> send(Observation o) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.setProcessingTime(++processingTime);
        harness.processElement(new StreamRecord<>(o, o.timestamp));
        List<Forecast> all = harness.extractOutputValues();
        return all.subList(before, all.size());
    }

    /** Sends a model record on the broadcast input. */
    void sendModel(ModelRecord r) throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(r, 0));
    }

    List<Forecast> forecasts() {
        return harness.extractOutputValues();
    }

    List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(ForecastFunction.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** The stored state of {@code key} (a copy on RocksDB, the live object on the heap). */
    SeriesState state(String key) throws Exception {
        harness.getOperator().setCurrentKey(key);
        return function.currentState();
    }

    ForecastMetrics metrics() {
        return function.metrics();
    }

    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        return harness.snapshot(checkpointId, checkpointId);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
