package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * A {@link ForecastFunction} in Flink's keyed broadcast operator test harness, run by Flink's own
 * broadcast operator exactly as {@code ForecastPipeline}'s {@code connect(...).process(function)}
 * does (the same operator {@code ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction}
 * makes, built here so a state backend and restored state can be set before it opens), with helpers
 * to feed and inspect it.
 */
final class ForecastHarness implements AutoCloseable {

    static final long T0 = LocalDateTime.of(2024, 3, 4, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1000;
    static final long MINUTE = 60_000L;
    /** The harness's max parallelism (key groups): a restored snapshot must have been written with the same. */
    static final int MAX_PARALLELISM = 128;

    final ForecastFunction function;
    final KeyedBroadcastOperatorTestHarness<String, Observation, ModelRecord, Forecast> harness;
    private long processingTime;

    /**
     * Opens a harness on {@code backend} (null: heap), restoring {@code restoreFrom} when not null,
     * as subtask {@code subtask} of {@code parallelism}.
     *
     * @param training the function's training settings; null: forecast only
     */
    ForecastHarness(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training,
                    StateBackend backend, OperatorSubtaskState restoreFrom, int parallelism, int subtask)
            throws Exception {
        this(new ForecastFunction(settings, preloaded, training), backend, restoreFrom, parallelism, subtask);
    }

    ForecastHarness(ForecastFunction function, StateBackend backend, OperatorSubtaskState restoreFrom, int parallelism,
                    int subtask) throws Exception {
        this(function, function, backend, restoreFrom, parallelism, subtask);
    }

    /** Runs {@code udf}, a function that wraps {@code function} (which the helpers inspect). */
    ForecastHarness(KeyedBroadcastProcessFunction<String, Observation, ModelRecord, Forecast> udf,
                    ForecastFunction function, StateBackend backend, OperatorSubtaskState restoreFrom, int parallelism,
                    int subtask) throws Exception {
        this.function = function;
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(udf, List.of(ForecastFunction.MODELS)),
                new ForecastPipeline.SeriesKey(), Types.STRING, MAX_PARALLELISM, parallelism, subtask);
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

    ForecastHarness(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training,
                    StateBackend backend, OperatorSubtaskState restoreFrom) throws Exception {
        this(settings, preloaded, training, backend, restoreFrom, 1, 0);
    }

    /** Opens a harness on {@code backend} (null: heap), restoring {@code restoreFrom} when not null. */
    ForecastHarness(ForecastSettings settings, List<ModelRecord> preloaded, StateBackend backend,
                    OperatorSubtaskState restoreFrom) throws Exception {
        this(settings, preloaded, null, backend, restoreFrom);
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

    /** Advances event time on both inputs (the operator's watermark is the least of its inputs'). */
    void watermark(long time) throws Exception {
        harness.processWatermark(new Watermark(time));
        harness.processBroadcastWatermark(new Watermark(time));
    }

    List<Forecast> forecasts() {
        return harness.extractOutputValues();
    }

    List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(ForecastFunction.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** Everything sent on the {@link ForecastFunction#TRAINING} side output so far, in order. */
    List<TrainerInput> training() {
        var side = harness.getSideOutput(ForecastFunction.TRAINING);
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

    /**
     * Keyed state entries left in the backend: on the heap every entry of every keyed state (as
     * Flink's keyed one-input harness counts them), on RocksDB the keys of the series state.
     */
    int numKeyedStateEntries() throws Exception {
        return numKeyedStateEntries(harness);
    }

    /** {@link #numKeyedStateEntries()} of any harness of the forecaster. */
    static int numKeyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) throws Exception {
        KeyedStateBackend<String> backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        if (backend instanceof HeapKeyedStateBackend<String> heap) {
            return heap.numKeyValueStateEntries();
        }
        try (Stream<String> keys = backend.getKeys(ForecastFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            return (int) keys.count();
        }
    }

    int numEventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    OperatorSubtaskState snapshot(long checkpointId) throws Exception {
        return harness.snapshot(checkpointId, checkpointId);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
