package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.models.ModelRecordLimits;
import io.flowcast.model.online.ModelTrainer;
import io.flowcast.model.online.ReplayBuffer;
import io.flowcast.model.online.Retrainer;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.TrainingWindow;
import io.flowcast.model.train.TrainingReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer of each model (keyed by model name). Its inputs come from the keyed forecaster, which
 * cuts each series' windows from the series' own history: sampled windows and one census record per
 * series start ({@link TrainerInput}). Inputs wait until the event-time watermark passes them, as
 * Flink's CEP operator buffers events: one timer per new time stamp, each drained entry removed. (CEP
 * keeps a {@code MapState} from time stamp to a list; here a time stamp can have thousands of
 * inputs, and on RocksDB appending to a list value rewrites it whole, so each window is its own
 * entry, keyed by (time, arrival number), with a count per time stamp; census records, which carry
 * nothing but their time, are one count per time stamp, so a million series starting at once are
 * one entry, not a million.) A drain feeds them to the
 * model's {@link ModelTrainer} in training order (time, census before windows, series key) and
 * calls {@link ModelTrainer#maybeRetrain} after each new time stamp, so the versions depend only on
 * the data, never on arrival order or parallelism, and a version published at t has seen nothing
 * after t. (An input that arrives after the watermark passed it is still fed, with the next drain,
 * but triggers no fit and is counted in {@code lateForTraining}.)
 *
 * <p>State per model, all bounded whatever the number of series: {@value #WINDOWS_STATE} (the replay
 * buffer's windows, one map entry per slot, at most {@code replaySamples}), {@value #TRAINER_STATE}
 * (census, the buffer's slot index and the retrainer's nets: {@link ModelTrainer#writeTo}),
 * {@value #STEP_STATE} and {@value #FED_STATE}, {@value #UNCOUNTED_STATE} (series that started
 * before the model's step was known), and {@value #PENDING_STATE} with {@value #PENDING_COUNT_STATE}
 * and {@value #PENDING_CENSUS_STATE} for as long as the watermark lags
 * (a bounded job without watermarks, such as the backtest, keeps every input pending until its end).
 *
 * <p>A version's payload carries the fit's wall time ({@code trainingMillis}), the one field that
 * differs between two runs of the same training; the backtest clears it
 * ({@link ModelRecord#withoutWallTime()}) so that its records are identical run to run.
 */
public class TrainerFunction extends KeyedProcessFunction<String, TrainerInput, ModelRecord> {

    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerFunction.class);

    /** State names: savepoints find state by them (and the operator uid); never rename. */
    public static final String PENDING_STATE = "pending-inputs";
    public static final String PENDING_COUNT_STATE = "pending-counts";
    public static final String PENDING_CENSUS_STATE = "pending-census";
    public static final String TRAINER_STATE = "model-trainer";
    public static final String WINDOWS_STATE = "replay-windows";
    public static final String STEP_STATE = "step-millis";
    public static final String FED_STATE = "fed-up-to";
    public static final String UNCOUNTED_STATE = "series-before-step";

    private final TrainingSettings settings;
    /** Inputs waiting for the watermark, by (time, arrival number at that time). */
    private transient MapState<Tuple2<Long, Integer>, TrainerInput> pending;
    /** How many windows wait at each time stamp. */
    private transient MapState<Long, Integer> pendingCounts;
    /** How many series started at each time stamp the watermark has not passed (census records). */
    private transient MapState<Long, Long> pendingCensus;
    private transient ValueState<byte[]> trainer;
    private transient MapState<Integer, TrainingWindow> windows;
    private transient ValueState<Long> step;
    private transient ValueState<Long> fedUpTo;
    private transient ValueState<Long> uncounted;
    private transient ReplayBuffer.Store store;
    private transient Metrics metrics;
    private transient Set<String> warnedSteps;

    public TrainerFunction(TrainingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING_STATE,
                Types.<Tuple2<Long, Integer>>TUPLE(Types.LONG, Types.INT), TrainingPipeline.INPUT_TYPE));
        pendingCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING_COUNT_STATE,
                LongSerializer.INSTANCE, IntSerializer.INSTANCE));
        pendingCensus = getRuntimeContext().getMapState(new MapStateDescriptor<>(PENDING_CENSUS_STATE,
                LongSerializer.INSTANCE, LongSerializer.INSTANCE));
        trainer = getRuntimeContext().getState(new ValueStateDescriptor<>(TRAINER_STATE,
                BytePrimitiveArraySerializer.INSTANCE));
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>(WINDOWS_STATE, IntSerializer.INSTANCE,
                TrainingWindowSerializer.INSTANCE));
        step = getRuntimeContext().getState(new ValueStateDescriptor<>(STEP_STATE, LongSerializer.INSTANCE));
        fedUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>(FED_STATE, LongSerializer.INSTANCE));
        uncounted = getRuntimeContext().getState(new ValueStateDescriptor<>(UNCOUNTED_STATE, LongSerializer.INSTANCE));
        store = new ReplayBuffer.Store() {
            @Override
            public TrainingWindow get(int slot) throws Exception {
                return windows.get(slot);
            }

            @Override
            public void put(int slot, TrainingWindow window) throws Exception {
                windows.put(slot, window);
            }

            @Override
            public void remove(int slot) throws Exception {
                windows.remove(slot);
            }
        };
        metrics = new Metrics(getRuntimeContext().getMetricGroup());
        warnedSteps = new HashSet<>();
    }

    @Override
    public void processElement(TrainerInput input, Context ctx, Collector<ModelRecord> out) throws Exception {
        long t = input.time();
        if (input.isCensus()) {
            Long started = pendingCensus.get(t);
            if (started == null) {
                wakeFor(t, ctx);
            }
            pendingCensus.put(t, started == null ? 1 : started + 1);
            return;
        }
        Integer waiting = pendingCounts.get(t);
        if (waiting == null) {
            waiting = 0;
            wakeFor(t, ctx);
        }
        pending.put(Tuple2.of(t, waiting), input);
        pendingCounts.put(t, waiting + 1);
    }

    /** A timer for inputs at {@code t} (Flink keeps one timer per time, however often it is registered). */
    private static void wakeFor(long t, Context ctx) {
        long watermark = ctx.timerService().currentWatermark();
        // Behind the watermark: its own time's timer would never fire again; the next one does.
        ctx.timerService().registerEventTimeTimer(t > watermark || watermark == Long.MAX_VALUE ? t : watermark + 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelRecord> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<Long> ready = new ArrayList<>();
        for (Long t : pendingCounts.keys()) {
            if (t <= watermark) {
                ready.add(t);
            }
        }
        for (Long t : pendingCensus.keys()) {
            if (t <= watermark && !pendingCounts.contains(t)) {
                ready.add(t);
            }
        }
        if (ready.isEmpty()) {
            return; // drained by an earlier timer of the same watermark advance
        }
        ready.sort(null);
        String name = ctx.getCurrentKey();
        ModelTrainer model = load(name);
        Long fed = fedUpTo.value();
        long fedTo = fed == null ? Long.MIN_VALUE : fed;
        Fits fits = new Fits(name, out);
        for (long t : ready) {
            Long started = pendingCensus.get(t); // census before windows, as TrainerInput.compare orders them
            if (started != null) {
                pendingCensus.remove(t);
                if (model == null) {
                    Long n = uncounted.value();
                    uncounted.update(n == null ? started : n + started);
                } else {
                    model.seriesStarted(started);
                }
                metrics.seriesStarted.inc(started);
            }
            List<TrainerInput> inputs = drain(t);
            inputs.sort(TrainerInput::compare);
            for (TrainerInput in : inputs) {
                if (model == null) {
                    model = create(name, in.stepMillis());
                }
                if (in.stepMillis() != step.value()) {
                    otherStep(name, in);
                    continue;
                }
                metrics.windowsReceived.inc();
                ModelTrainer.Offer offer = model.offer(in.window(), store);
                if (offer.accepted()) {
                    metrics.windowsAccepted.inc();
                    if (t <= fedTo) {
                        metrics.lateForTraining.inc();
                    }
                }
                if (offer == ModelTrainer.Offer.KEPT) {
                    metrics.windowsKept.inc();
                }
            }
            if (t > fedTo) {
                fedTo = t;
                try { // fits only at time stamps where the sampling rule took something (ModelTrainer)
                    Retrainer.FitOutcome outcome = model == null ? null : model.maybeRetrain(t, store);
                    if (outcome != null) {
                        fits.fitted(outcome, model, t);
                    }
                } catch (IllegalArgumentException e) {
                    fits.failed(t, e);
                }
            }
        }
        fedUpTo.update(fedTo);
        if (model != null) {
            save(model);
            metrics.replayWindows(name, model.buffer().size());
        }
    }

    /** Takes the windows waiting at {@code t} out of state. */
    private List<TrainerInput> drain(long t) throws Exception {
        Integer waiting = pendingCounts.get(t);
        int n = waiting == null ? 0 : waiting;
        List<TrainerInput> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Tuple2<Long, Integer> key = Tuple2.of(t, i);
            inputs.add(pending.get(key));
            pending.remove(key);
        }
        if (waiting != null) {
            pendingCounts.remove(t);
        }
        return inputs;
    }

    /** The model's trainer, restored with the recipe of the current settings; null before its step is known. */
    private ModelTrainer load(String name) throws Exception {
        byte[] bytes = trainer.value();
        if (bytes == null) {
            return null;
        }
        return ModelTrainer.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), name,
                settings.recipe(Duration.ofMillis(step.value())));
    }

    private ModelTrainer create(String name, long stepMillis) throws Exception {
        Duration s = settings.step() != null ? settings.step() : Duration.ofMillis(stepMillis);
        step.update(s.toMillis());
        ModelTrainer model = new ModelTrainer(name, settings.recipe(s), s.toMillis());
        Long n = uncounted.value();
        if (n != null) {
            model.seriesStarted(n);
            uncounted.clear();
        }
        LOG.info("model {}: training on series that step every {} ({})", name, s, model.sampler());
        return model;
    }

    private void save(ModelTrainer model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            model.writeTo(out);
        }
        trainer.update(bytes.toByteArray());
    }

    private void otherStep(String name, TrainerInput in) throws IOException {
        metrics.windowsOtherStep.inc();
        if (warnedSteps.add(name + "#" + in.stepMillis())) {
            LOG.warn("model {} trains on series that step every {} ms; series {} steps every {} ms: its windows are "
                    + "left out (give such series their own model)", name, step.value(), in.series(), in.stepMillis());
        }
    }

    /** The trainer of the current key (tests): null before its step is known. */
    ModelTrainer currentTrainer() throws Exception {
        return load("test");
    }

    /** The windows of the current key the watermark has not passed (tests). */
    List<TrainerInput> pendingWindows() throws Exception {
        List<TrainerInput> out = new ArrayList<>();
        for (TrainerInput in : pending.values()) {
            out.add(in);
        }
        out.sort(TrainerInput::compare);
        return out;
    }

    Metrics metrics() {
        return metrics;
    }

    public TrainingSettings settings() {
        return settings;
    }

    /** The record of a published version, without its wall time (tests compare records byte for byte). */
    static ModelRecord record(ServingModel m) {
        return ModelRecord.of(m).withoutWallTime();
    }

    /** Whether a fit's training diverged: a non-finite validation loss, or steps skipped as non-finite. */
    static boolean diverged(TrainingReport report) {
        return !Double.isFinite(report.bestValidationLoss()) || report.skippedSteps() > 0;
    }

    /** Handles one drain's fits: metrics, log, output. */
    private final class Fits {
        private final String name;
        private final Collector<ModelRecord> out;

        Fits(String name, Collector<ModelRecord> out) {
            this.name = name;
            this.out = out;
        }

        void fitted(Retrainer.FitOutcome outcome, ModelTrainer model, long at) {
            TrainingReport report = outcome.report();
            boolean diverged = diverged(report);
            metrics.fits.inc();
            metrics.lastValidationLoss = report.bestValidationLoss();
            metrics.lastFitMillis = report.elapsed().toMillis();
            metrics.lastFitWindows = report.trainSamples() + report.validationSamples();
            if (diverged) {
                metrics.fitsDiverged.inc();
            }
            String line = String.format(Locale.ROOT, "model %s, fit %d at %s (%d series, %d windows, %d epochs, %d steps"
                            + " skipped, %d ms): %s", name, model.retrainer().fits(), Instant.ofEpochMilli(at),
                    model.series(), report.trainSamples() + report.validationSamples(), report.epochsRun(),
                    report.skippedSteps(), report.elapsed().toMillis(), outcome.decision());
            if (outcome.published() != null) {
                ModelRecord record = ModelRecord.of(outcome.published());
                ModelRecordLimits.check(record); // a fit failure here, not a sink failing on every restart
                metrics.modelsPublished.inc();
                out.collect(record);
            } else {
                metrics.fitsKept.inc();
            }
            if (diverged) {
                LOG.warn("training diverged: {}", line);
            } else {
                LOG.info(line);
            }
        }

        void failed(long at, IllegalArgumentException why) {
            metrics.fitErrors.inc();
            LOG.warn("model {}: fit at {} failed, the serving version stays: {}", name, Instant.ofEpochMilli(at),
                    why.getMessage());
        }
    }

    /** The trainer's metrics, per subtask. */
    static final class Metrics {
        final Counter fits;
        final Counter modelsPublished;
        final Counter fitsKept;
        final Counter fitsDiverged;
        final Counter lateForTraining;
        final Counter fitErrors;
        final Counter seriesStarted;
        final Counter windowsReceived;
        final Counter windowsAccepted;
        final Counter windowsKept;
        final Counter windowsOtherStep;
        volatile double lastValidationLoss = Double.NaN;
        volatile long lastFitMillis;
        volatile long lastFitWindows;
        /** Windows in the replay buffers of the models this subtask trains (a model counts once drained). */
        private final Map<String, Integer> windowsByModel = new HashMap<>();
        private volatile long replayWindows;

        Metrics(MetricGroup group) {
            fits = group.counter("fits");
            modelsPublished = group.counter("modelsPublished");
            fitsKept = group.counter("fitsKept");
            fitsDiverged = group.counter("fitsDiverged");
            lateForTraining = group.counter("lateForTraining");
            fitErrors = group.counter("fitErrors");
            seriesStarted = group.counter("seriesStarted");
            windowsReceived = group.counter("windowsReceived");
            windowsAccepted = group.counter("windowsAccepted");
            windowsKept = group.counter("windowsKept");
            windowsOtherStep = group.counter("windowsOtherStep");
            group.gauge("lastValidationLoss", (Gauge<Double>) () -> lastValidationLoss);
            group.gauge("lastFitMillis", (Gauge<Long>) () -> lastFitMillis);
            group.gauge("lastFitWindows", (Gauge<Long>) () -> lastFitWindows);
            group.gauge("replayWindows", (Gauge<Long>) () -> replayWindows);
        }

        void replayWindows(String model, int n) {
            Integer before = windowsByModel.put(model, n);
            replayWindows += n - (before == null ? 0 : before);
        }

        long replayWindows() {
            return replayWindows;
        }
    }
}
