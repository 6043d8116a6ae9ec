package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.online.ModelTrainer;
import io.flowcast.model.online.OnlineRecipe;
import io.flowcast.model.online.ReplayBuffer;
import io.flowcast.model.online.Retrainer;
import io.flowcast.model.online.TrainingWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A {@link TrainerFunction} in Flink's keyed operator harness (generic types off), fed with
 * {@link TrainerInput}s cut as the forecaster cuts them ({@link TrainerInputFeed}), with readers of
 * its state and the library's own result for the same inputs ({@link #direct}) to compare with.
 */
final class TrainerHarness implements AutoCloseable {

    static final long HOUR = 3_600_000L;
    static final String MODEL = "m";

    /**
     * Hourly; period 12, window 6, horizon 3, 60 replay windows (so 7 accepted per step once a model
     * has more series), retrain every 24 steps, no net margin: fits take milliseconds.
     */
    static TrainingSettings tiny() {
        return TrainingSettings.defaults(3, ModelNames.fixed(MODEL)).withStep(Duration.ofHours(1))
                .with("window", "6").with("season", "12").with("seasons", "2").with("hidden", "8")
                .with("samples", "60").with("min", "40").with("every", "24h").with("first", "10")
                .with("epochs", "3").with("margin", "0").with("seed", "7").with("lr", "0.01")
                .with("batch", "16").with("val", "0.2").with("patience", "2");
    }

    static OnlineRecipe recipe(TrainingSettings settings) {
        return settings.recipe(settings.step() != null ? settings.step() : Duration.ofHours(1));
    }

    /** Seasonal (period 12) plus a 5-step sawtooth the seasonal reference cannot know but a net can learn. */
    static float value(int t) {
        return (float) (100 + 30 * Math.sin(2 * Math.PI * t / 12) + 20 * ((t % 5) - 2));
    }

    /** Step t of series k: the wave shifted by k steps, scaled and offset per series; odd series miss every 17th value. */
    static float value(int k, int t) {
        return k % 2 == 1 && t % 17 == 0 ? Float.NaN : (1 + k % 3) * value(t + k) + 5 * k;
    }

    static String name(int k) {
        return String.format("s%03d", k);
    }

    /**
     * The trainer inputs of {@code n} hourly series of model {@link #MODEL} over steps {@code [0, steps)},
     * series k starting at step {@code start(k)}, as the forecaster sends them, in event order (time,
     * then series): census records at the series' first events, and windows (sampled as one
     * forecaster subtask holding every series would with {@code sampleLocally}, else all of them).
     */
    static List<TrainerInput> inputs(TrainingSettings settings, int n, int steps, IntUnaryOperator start,
                                     boolean sampleLocally) {
        TrainerInputFeed feed = new TrainerInputFeed(recipe(settings), MODEL, HOUR, sampleLocally);
        List<TrainerInput> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < n; k++) {
                if (t >= start.applyAsInt(k)) {
                    out.addAll(feed.event(name(k), t * HOUR, value(k, t)));
                }
            }
        }
        return out;
    }

    /** What the library alone keeps and publishes for the same inputs. */
    record Reference(List<ModelRecord> records, ModelTrainer trainer, List<TrainingWindow> replay) {
    }

    /**
     * The library's {@link ModelTrainer} fed the inputs in event-time order, as its class comment
     * asks: per time stamp the series that started, then the windows (of the model's step) in series
     * order, then a fit if due. The order is written out here, not taken from {@link TrainerInput}.
     */
    static Reference direct(TrainingSettings settings, List<TrainerInput> inputs) throws Exception {
        long step = settings.step().toMillis();
        ModelTrainer trainer = new ModelTrainer(MODEL, settings.recipe(settings.step()), step);
        ReplayBuffer.Store store = ReplayBuffer.inMemory();
        TreeMap<Long, List<TrainerInput>> byTime = new TreeMap<>();
        for (TrainerInput in : inputs) {
            byTime.computeIfAbsent(in.time(), t -> new ArrayList<>()).add(in);
        }
        List<ModelRecord> records = new ArrayList<>();
        for (Map.Entry<Long, List<TrainerInput>> e : byTime.entrySet()) {
            for (TrainerInput in : e.getValue()) {
                if (in.window() == null) {
                    trainer.seriesStarted();
                }
            }
            List<TrainerInput> windows = new ArrayList<>(e.getValue().stream()
                    .filter(in -> in.window() != null && in.stepMillis() == step).toList());
            windows.sort(Comparator.comparing(TrainerInput::series));
            for (TrainerInput in : windows) {
                trainer.offer(in.window(), store);
            }
            Retrainer.FitOutcome o = trainer.maybeRetrain(e.getKey(), store);
            if (o != null && o.published() != null) {
                records.add(TrainerFunction.record(o.published()));
            }
        }
        return new Reference(records, trainer, trainer.buffer().windows(store));
    }

    final TrainerFunction function;
    final KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRecord> harness;

    TrainerHarness(TrainingSettings settings, StateBackend backend, OperatorSubtaskState restoreFrom) throws Exception {
        function = new TrainerFunction(settings);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                new TrainingPipeline.ModelKey(), Types.STRING);
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

    TrainerHarness(TrainingSettings settings) throws Exception {
        this(settings, null, null);
    }

    void send(TrainerInput in) throws Exception {
        harness.processElement(new StreamRecord<>(in, in.time()));
    }

    void send(List<TrainerInput> inputs) throws Exception {
        for (TrainerInput in : inputs) {
            send(in);
        }
    }

    /**
     * Sends the inputs in order, with a watermark at the end of every {@code every}-th step (steps
     * {@code every - 1}, {@code 2 every - 1}, ...) once an input after it comes; none after the last input.
     */
    void sendWithWatermarks(List<TrainerInput> inputs, int every) throws Exception {
        long next = Long.MIN_VALUE;
        for (TrainerInput in : inputs) {
            if (next == Long.MIN_VALUE) {
                next = ((in.time() / HOUR) / every * every + every - 1) * HOUR;
            }
            while (in.time() > next) {
                watermark(next);
                next += every * HOUR;
            }
            send(in);
        }
    }

    void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    /** The records emitted, without the fit's wall time (so they compare byte for byte). */
    List<ModelRecord> records() {
        return harness.extractOutputValues().stream().map(ModelRecord::withoutWallTime).toList();
    }

    private void key() {
        harness.getOperator().setCurrentKey(MODEL);
    }

    /** The model's trainer as stored; null before its step is known. */
    ModelTrainer trainer() throws Exception {
        key();
        return function.currentTrainer();
    }

    /** The {@value TrainerFunction#TRAINER_STATE} bytes. */
    byte[] trainerBytes() throws Exception {
        key();
        return function.getRuntimeContext().getState(new ValueStateDescriptor<>(TrainerFunction.TRAINER_STATE,
                BytePrimitiveArraySerializer.INSTANCE)).value();
    }

    /** The {@value TrainerFunction#WINDOWS_STATE} entries, by slot. */
    TreeMap<Integer, TrainingWindow> replayWindows() throws Exception {
        key();
        TreeMap<Integer, TrainingWindow> out = new TreeMap<>();
        for (Map.Entry<Integer, TrainingWindow> e : function.getRuntimeContext().getMapState(new MapStateDescriptor<>(
                TrainerFunction.WINDOWS_STATE, IntSerializer.INSTANCE, TrainingWindowSerializer.INSTANCE)).entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The time stamps with an entry in {@value TrainerFunction#PENDING_COUNT_STATE} (windows waiting at
     * them) or {@value TrainerFunction#PENDING_CENSUS_STATE} (series started at them).
     */
    List<Long> pendingTimes() throws Exception {
        key();
        TreeSet<Long> out = new TreeSet<>();
        for (Long t : pendingCounts().keys()) {
            out.add(t);
        }
        out.addAll(pendingCensus().keySet());
        return new ArrayList<>(out);
    }

    private MapState<Long, Integer> pendingCounts() {
        return function.getRuntimeContext().getMapState(new MapStateDescriptor<>(
                TrainerFunction.PENDING_COUNT_STATE, LongSerializer.INSTANCE, IntSerializer.INSTANCE));
    }

    /** The {@value TrainerFunction#PENDING_CENSUS_STATE} entries: series started, by time stamp. */
    TreeMap<Long, Long> pendingCensus() throws Exception {
        key();
        TreeMap<Long, Long> out = new TreeMap<>();
        for (Map.Entry<Long, Long> e : function.getRuntimeContext().getMapState(new MapStateDescriptor<>(
                TrainerFunction.PENDING_CENSUS_STATE, LongSerializer.INSTANCE, LongSerializer.INSTANCE)).entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The entries of {@value TrainerFunction#PENDING_STATE} (one per waiting window) and of the census counts. */
    int pendingEntries() throws Exception {
        key();
        MapState<Tuple2<Long, Integer>, TrainerInput> pending = function.getRuntimeContext().getMapState(
                new MapStateDescriptor<>(TrainerFunction.PENDING_STATE, Types.<Tuple2<Long, Integer>>TUPLE(Types.LONG,
                        Types.INT), TrainingPipeline.INPUT_TYPE));
        int n = 0;
        for (Tuple2<Long, Integer> ignored : pending.keys()) {
            n++;
        }
        return n + pendingCensus().size();
    }

    /** What the watermark has not passed: the windows, and the census as a count per time stamp. */
    Waiting pending() throws Exception {
        key();
        return new Waiting(function.pendingWindows(), pendingCensus());
    }

    /**
     * Inputs waiting in the trainer, as its state holds them: each window, and per time stamp how many
     * series started (a census record carries nothing else the trainer keeps).
     */
    record Waiting(List<TrainerInput> windows, TreeMap<Long, Long> census) {

        static Waiting of(List<TrainerInput> inputs) {
            TreeMap<Long, Long> census = new TreeMap<>();
            List<TrainerInput> windows = new ArrayList<>();
            for (TrainerInput in : inputs) {
                if (in.isCensus()) {
                    census.merge(in.time(), 1L, Long::sum);
                } else {
                    windows.add(in);
                }
            }
            windows.sort(TrainerInput::compare);
            return new Waiting(windows, census);
        }

        /** Inputs: windows and series started. */
        long size() {
            return windows.size() + census.values().stream().mapToLong(Long::longValue).sum();
        }

        boolean isEmpty() {
            return size() == 0;
        }

        /** Map entries: one per window, one per census time stamp. */
        int entries() {
            return windows.size() + census.size();
        }
    }

    /** The {@value TrainerFunction#FED_STATE} value: the newest time stamp fed (null before any). */
    Long fedUpTo() throws Exception {
        key();
        return function.getRuntimeContext().getState(new ValueStateDescriptor<>(TrainerFunction.FED_STATE,
                LongSerializer.INSTANCE)).value();
    }

    TrainerFunction.Metrics metrics() {
        return function.metrics();
    }

    OperatorSubtaskState snapshot(long id) throws Exception {
        return harness.snapshot(id, id);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
