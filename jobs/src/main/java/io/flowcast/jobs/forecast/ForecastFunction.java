package io.flowcast.jobs.forecast;

import static org.apache.flink.util.Preconditions.checkNotNull;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.records.RejectReason;
import io.flowcast.jobs.train.StepDetection;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.GateKernels;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingState;
import io.flowcast.model.online.TrainingWindow;
import io.flowcast.model.online.WindowCutter;
import io.flowcast.model.online.WindowSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed forecaster: per series (key) it keeps a {@link SeriesState} and, per event, runs the model
 * library's {@link ResidualForecaster} exactly as {@code OnlineForecaster} does (append the event,
 * forecast horizons 1..H with the model serving the series' model name and the one before it), so the
 * job's forecasts are the library's. Models come on the broadcast input ({@link ModelRecord}s, checked by
 * {@link ModelRecordCheck} before anything is held) or preloaded at construction; a {@link ModelTimeline} per model name picks the
 * version serving an event. The rules, also in {@code docs/forecaster.md}:
 *
 * <ul>
 *   <li><b>Order.</b> Events are taken per key in arrival order, with no reordering buffer. An event
 *       older than the key's last processed event is <b>late</b>: dead letter {@code late}, counted,
 *       the state is never rewound.
 *   <li><b>Duplicate timestamp</b>: the first event stays, the second becomes a dead letter
 *       {@code duplicate}; no state change and no forecast.
 *   <li><b>Missing value</b> (NaN or infinite): passed to the history as NaN (missing); the event still
 *       advances the series and gets a forecast (the history reads a missing value as the last finite
 *       one; the live scaler does not learn from it). Before a series' first value the forecast is NaN.
 *   <li><b>Irregular gaps.</b> One event is one step; a gap longer than {@code gapFactor} typical
 *       intervals is counted and, with {@code resetOnGap}, zeroes the recurrent states first.
 *   <li><b>Wrong feature count</b>: dead letter {@code feature-count}. Of several values per event only
 *       the <b>first</b> is forecast (and kept); the others are checked for their count only.
 * </ul>
 *
 * <p><b>Training side.</b> With {@link TrainingSettings}, the same history is where the series'
 * training windows are cut ({@link WindowCutter}): once the series' step is detected
 * ({@link StepDetection}, from its own first events), each event that completes a window sampled by
 * {@link WindowSampler} sends it to the trainer of the series' model on the {@link #TRAINING} side
 * output, and a series' first event sends a census record. So the accept rule above and the history
 * exist once, and the trainer holds nothing per series.
 *
 * <p><b>Idle series</b> are cleared: a series whose last event the watermark passed by
 * {@link ForecastSettings#seriesTtl()} loses its state (one event-time timer per series, moved forward
 * lazily when it fires); if it returns it starts over, as a new series (census included).
 *
 * <p>Per event it allocates only the emitted {@link Forecast} and its arrays (heap backend), and a
 * training window when one is sampled; buffers are made in {@link #open} or when a model arrives.
 * Safe with object reuse: it keeps nothing of its input.
 */
public class ForecastFunction extends KeyedBroadcastProcessFunction<String, Observation, ModelRecord, Forecast>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 3L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastFunction.class);

    /** Events the forecaster rejected (late, duplicate, wrong width). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("forecast-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The {@code topic} of the forecaster's dead letters: the stage that rejected them. */
    public static final String DEAD_LETTER_TOPIC = DeadLetters.STAGE;

    /** Name of the keyed state; part of savepoint compatibility, so never rename it. */
    static final String STATE_NAME = "series";

    /**
     * The broadcast state: the retained model records that came on the model stream, by
     * {@code name + '#' + version}. Checkpointed, so the models serving survive a failure.
     */
    public static final MapStateDescriptor<String, ModelRecord> MODELS =
            new MapStateDescriptor<>("models", Types.STRING, TypeInformation.of(ModelRecord.class));

    /** Versions per model name retained from the model stream (preloaded ones are all kept). */
    public static final int RETAINED_VERSIONS = 3;

    /** Windows and census records for the trainers (only with training settings). */
    public static final OutputTag<TrainerInput> TRAINING = new OutputTag<>("training", TrainingPipeline.INPUT_TYPE);

    /**
     * Operator state: each subtask's count of series per model name, so a restored subtask knows
     * roughly how many it holds (the {@code keys} gauge, and the rate it cuts windows at).
     */
    static final String SERIES_COUNT_STATE = "series-per-model";

    private final ForecastSettings settings;
    private final List<ModelRecord> preloaded;
    /** Null: no training side. */
    private final TrainingSettings training;

    private transient ValueState<SeriesState> series;
    private transient ResidualForecaster forecaster;
    private transient Map<String, ModelTimeline> timelines;
    /** Series key -> its timeline, when model names are per file (saves the name's substring per event). */
    private transient Map<String, ModelTimeline> timelineOfKey;
    private transient ModelTimeline fixed;
    /** The baseline's output: exactly {@code horizons} long (the baseline forecasts its length). */
    private transient float[] basePoint;
    /** A model's outputs: as long as the longest horizon of any model or the settings. */
    private transient float[] point;
    private transient float[] low;
    private transient float[] high;
    private transient int ringLength;
    private transient ForecastMetrics metrics;
    private transient ModelRecordCheck modelCheck;
    /** The models restored from broadcast state are held (done at the first element of either input). */
    private transient boolean modelsRestored;
    /**
     * Series this subtask holds, per model name: at most the model's census, so the rate at which
     * windows are cut here ({@link WindowSampler#localRate}) is at least the trainer's.
     */
    private transient Map<String, long[]> seriesByModel;
    private transient ListState<Tuple2<String, Long>> seriesCount;
    /** Cuts the series' training windows; null without training. */
    private transient SeriesWindows windows;

    /**
     * @param preloaded models held from the start (all versions kept)
     * @param training  cut training windows for these settings' models; null: forecast only
     */
    public ForecastFunction(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training) {
        this.settings = checkNotNull(settings, "settings");
        this.preloaded = new ArrayList<>(checkNotNull(preloaded, "preloaded"));
        this.training = training;
        if (training != null && !training.models().equals(settings.modelNames())) {
            throw new IllegalArgumentException("the forecaster serves models " + settings.modelNames()
                    + " but would train " + training.models() + ": a series' windows train the model that serves it");
        }
    }

    public ForecastFunction(ForecastSettings settings, List<ModelRecord> preloaded) {
        this(settings, preloaded, null);
    }

    public ForecastFunction(ForecastSettings settings) {
        this(settings, List.of(), null);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        seriesCount = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(SERIES_COUNT_STATE, Types.TUPLE(Types.STRING, Types.LONG)));
        seriesByModel = new HashMap<>();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (Tuple2<String, Long> n : seriesCount.get()) { // every subtask's counts (union state)
            seriesByModel.computeIfAbsent(n.f0, x -> new long[1])[0] += n.f1;
        }
        // Keys are spread evenly over key groups: after a rescale each subtask holds about its share.
        seriesByModel.values().forEach(n -> n[0] /= Math.max(1, parallelism));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<String, Long>> counts = new ArrayList<>();
        seriesByModel.forEach((name, n) -> counts.add(Tuple2.of(name, n[0])));
        seriesCount.update(counts);
    }

    /** This subtask's series of {@code model}, counted up or down by {@code delta}. */
    private long countSeries(String model, int delta) {
        long[] n = seriesByModel.computeIfAbsent(model, x -> new long[1]);
        n[0] = Math.max(0, n[0] + delta);
        return n[0];
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, SeriesStateSerializer.INSTANCE));
        forecaster = new ResidualForecaster(settings.ensemble(), settings.seasonLength(), 1);
        ringLength = forecaster.baselineRingLength();
        timelines = new HashMap<>();
        timelineOfKey = new HashMap<>();
        basePoint = new float[settings.horizons()];
        point = new float[settings.horizons()];
        low = new float[settings.horizons()];
        high = new float[settings.horizons()];
        metrics = new ForecastMetrics(getRuntimeContext().getMetricGroup());
        metrics.keysRestored(seriesByModel.values().stream().mapToLong(n -> n[0]).sum());
        windows = training == null ? null : new SeriesWindows(training);
        if (training != null) {
            ringLength = Math.max(ringLength, StepDetection.EVENTS); // the step is detected from the history
        }
        LOG.info("LSTM kernel: {}", GateKernels.describe());
        modelCheck = new ModelRecordCheck(settings);
        ModelNames names = settings.modelNames();
        if (names.fixedName() != null) {
            fixed = timeline(names.fixedName());
        }
        for (ModelRecord r : preloaded) {
            ServingModel m;
            try {
                m = modelCheck.checkHeld(r);
            } catch (ModelFormatException | RuntimeException e) {
                throw new IllegalArgumentException("preloaded model " + r + " cannot serve here: " + e.getMessage(), e);
            }
            hold(m, true);
        }
        if (!preloaded.isEmpty()) {
            LOG.info("preloaded {} model version(s): {}", preloaded.size(), describe());
        }
    }

    @Override
    public void processElement(Observation obs, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
        long started = System.nanoTime();
        metrics.eventsIn.inc();
        if (!modelsRestored) {
            restoreModels(ctx.getBroadcastState(MODELS));
        }
        SeriesState s = series.value();
        boolean newSeries = s == null;
        RejectReason rejected = check(newSeries ? Long.MIN_VALUE : s.lastEventTime, obs);
        if (rejected != null) {
            reject(ctx, obs, rejected, s);
            return;
        }
        ModelTimeline timeline = timelineOf(obs.key);
        if (newSeries) {
            s = SeriesState.create(ringLength);
            countSeries(timeline.name, 1);
            metrics.keyStarted();
            if (training != null) {
                ctx.output(TRAINING, TrainerInput.started(timeline.name, obs.key, obs.timestamp));
            }
        }
        noteGap(s, obs.timestamp);
        float value = obs.values[0];
        if (!Float.isFinite(value)) {
            value = Float.NaN;
            metrics.missingValues.inc();
        }
        ServingState serving = s.serving;
        forecaster.append(serving, obs.timestamp, value);
        s.lastEventTime = obs.timestamp;
        if (s.expiryTimer == Long.MIN_VALUE && !settings.seriesTtl().isZero()) {
            s.expiryTimer = expiry(obs.timestamp);
            ctx.timerService().registerEventTimeTimer(s.expiryTimer);
            if (!newSeries) { // restored from the first release, whose series had no timer: count it now
                countSeries(timeline.name, 1);
                metrics.keyStarted();
            }
        }
        if (windows != null) {
            TrainingWindow w = windows.next(s, obs.key, countSeries(timeline.name, 0));
            if (w != null) {
                ctx.output(TRAINING, TrainerInput.window(timeline.name, s.stepMillis, w));
                metrics.windowsCut.inc();
            }
        }

        timeline.select(obs.timestamp);
        ServingModel current = timeline.current;
        long v0 = serving.version(0);
        long v1 = serving.version(1);
        long version;
        float[] values = new float[settings.horizons()];
        Forecast f = new Forecast();
        if (current == null) {
            version = forecaster.forecast(serving, obs.key, null, null, basePoint, null, null);
            System.arraycopy(basePoint, 0, values, 0, values.length);
        } else {
            version = forecaster.forecast(serving, obs.key, current, timeline.previous, point, low, high);
            int h = Math.min(current.shape().horizon(), values.length);
            System.arraycopy(point, 0, values, 0, h);
            Arrays.fill(values, h, values.length, Float.NaN);
            if (current.shape().quantiles()) {
                f.p10 = new float[values.length];
                f.p90 = new float[values.length];
                System.arraycopy(low, 0, f.p10, 0, h);
                System.arraycopy(high, 0, f.p90, 0, h);
                Arrays.fill(f.p10, h, values.length, Float.NaN);
                Arrays.fill(f.p90, h, values.length, Float.NaN);
            }
            if (serving.version(0) != v0 && current.net() != null) {
                metrics.rewarms.inc();
            }
            if (serving.version(1) != v1 && current.net() != null) {
                metrics.rewarms.inc();
            }
        }
        timeline.lastServed = version;
        series.update(s);
        f.key = obs.key;
        f.eventTime = obs.timestamp;
        f.rawTimestamp = obs.rawTimestamp;
        f.modelVersion = version;
        f.values = values;
        f.observed = obs.values[0];
        f.emittedAt = ctx.timerService().currentProcessingTime();
        metrics.stepLatencyNanos.update(System.nanoTime() - started);
        out.collect(f);
        metrics.forecastsOut.inc();
    }

    /**
     * The series' expiry timer fired: clears the series if the watermark passed its last event by
     * the TTL, else moves the timer to the new deadline.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
        SeriesState s = series.value();
        if (s == null) {
            return;
        }
        long deadline = expiry(s.lastEventTime);
        if (deadline <= timestamp) {
            series.clear();
            countSeries(timelineOf(ctx.getCurrentKey()).name, -1);
            metrics.keyExpired();
            return;
        }
        s.expiryTimer = deadline;
        ctx.timerService().registerEventTimeTimer(deadline);
        series.update(s);
    }

    private long expiry(long eventTime) {
        return SeriesExpiry.deadline(eventTime, settings.seriesTtl());
    }

    /**
     * A record of the model stream: taken (held, and stored in broadcast state) only if
     * {@link ModelRecordCheck} says so; otherwise rejected or ignored, the models held unchanged.
     * Every subtask receives each record and decides alike (the check reads only the record and the
     * versions held); subtask 0 alone writes a rejected record's dead letter.
     */
    @Override
    public void processBroadcastElement(ModelRecord r, Context ctx, Collector<Forecast> out) throws Exception {
        metrics.modelsReceived.inc();
        if (!modelsRestored) {
            restoreModels(ctx.getBroadcastState(MODELS));
        }
        ModelRecordCheck.Verdict verdict = modelCheck.check(r, r.name == null ? null : timelines.get(r.name),
                System.currentTimeMillis());
        switch (verdict.kind()) {
            case REJECTED -> rejectModel(ctx, r, verdict.problem());
            case HELD -> LOG.debug("model {} v{} is already held", r.name, r.version);
            case STALE -> LOG.info("model {} v{} is older than the newest version held ({}); not taken", r.name,
                    r.version, timelines.get(r.name).newestVersion());
            case TAKE -> take(verdict.model(), r, ctx.getBroadcastState(MODELS));
        }
    }

    private void take(ServingModel m, ModelRecord r, BroadcastState<String, ModelRecord> state) throws Exception {
        List<ServingModel> dropped = hold(m, false);
        if (dropped == null) { // the check saw it was not held: cannot happen
            return;
        }
        state.put(stateKey(m.name(), m.version()),
                new ModelRecord(r.name, r.version, r.trainedUpTo, r.payload.clone())); // the input may be reused
        for (ServingModel d : dropped) {
            state.remove(stateKey(d.name(), d.version()));
        }
        LOG.info("model {} v{} (trained up to {}) received; held: {}", m.name(), m.version(), m.info().trainedUpTo(),
                describe());
    }

    private void rejectModel(Context ctx, ModelRecord r, String problem) {
        metrics.modelsRejected.inc();
        // Every subtask receives (and rejects) its copy of the broadcast; one of them reports it.
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            LOG.warn("model record {} rejected: {}; the models held stay: {}", BadModelDeadLetter.describe(r), problem,
                    describe());
            ctx.output(DEAD_LETTERS, BadModelDeadLetter.of(r, problem));
        }
    }

    /**
     * Holds the model records restored with the broadcast state, once, before the first element of
     * either input (a function cannot read broadcast state in {@code open()}).
     */
    private void restoreModels(ReadOnlyBroadcastState<String, ModelRecord> state) throws Exception {
        modelsRestored = true;
        int n = 0;
        for (Map.Entry<String, ModelRecord> e : state.immutableEntries()) {
            try {
                hold(modelCheck.checkHeld(e.getValue()), false);
                n++;
            } catch (ModelFormatException | RuntimeException ex) {
                LOG.warn("restored model record {} cannot serve here ({}); left out", e.getKey(), ex.getMessage());
            }
        }
        if (n > 0) {
            LOG.info("restored {} model version(s); held: {}", n, describe());
        }
    }

    /** Adds a model to its name's timeline and sizes the buffers for it; see {@link ModelTimeline#add}. */
    private List<ServingModel> hold(ServingModel m, boolean isPreloaded) {
        ModelTimeline t = timeline(m.name());
        List<ServingModel> dropped = t.add(m, isPreloaded);
        ringLength = Math.max(ringLength, t.ringLength());
        int h = Math.max(point.length, t.maxHorizon());
        if (h > point.length) {
            point = new float[h];
            low = new float[h];
            high = new float[h];
        }
        return dropped;
    }

    private ModelTimeline timeline(String name) {
        ModelTimeline t = timelines.get(name);
        if (t == null) {
            t = new ModelTimeline(name, RETAINED_VERSIONS);
            timelines.put(name, t);
            metrics.modelName(t);
        }
        return t;
    }

    private ModelTimeline timelineOf(String key) {
        if (fixed != null) {
            return fixed;
        }
        ModelTimeline t = timelineOfKey.get(key);
        if (t == null) {
            t = timeline(settings.modelNames().of(key));
            timelineOfKey.put(key, t);
        }
        return t;
    }

    static String stateKey(String name, long version) {
        return name + "#" + version;
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        timelines.forEach((name, t) -> b.append(b.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(Arrays.toString(t.versions())));
        return b.toString();
    }

    private RejectReason check(long lastEventTime, Observation obs) {
        if (obs.values == null || obs.values.length != settings.features()) {
            return RejectReason.FEATURE_COUNT;
        }
        if (obs.timestamp < lastEventTime) {
            return RejectReason.LATE;
        }
        return obs.timestamp == lastEventTime ? RejectReason.DUPLICATE : null;
    }

    private void reject(ReadOnlyContext ctx, Observation obs, RejectReason reason, SeriesState s) {
        metrics.deadLetter(reason);
        String detail = switch (reason) {
            case LATE -> "event at " + obs.rawTimestamp + " (" + obs.timestamp + " ms) is older than the last one "
                    + "processed for this series (" + s.lastEventTime + " ms)";
            case DUPLICATE -> "a second event at " + obs.rawTimestamp + " (" + obs.timestamp
                    + " ms) for this series; the first one was kept";
            case FEATURE_COUNT -> "expected " + settings.features() + " values per event, got "
                    + (obs.values == null ? "none" : obs.values.length);
            default -> throw new IllegalStateException("the forecaster does not reject events for " + reason);
        };
        ctx.output(DEAD_LETTERS, DeadLetters.of(obs, reason, "series " + obs.key + ": " + detail));
    }

    /** Counts a long gap (and resets if configured), then folds this gap into the typical interval. */
    private void noteGap(SeriesState s, long eventTime) {
        if (s.lastEventTime == Long.MIN_VALUE) {
            return;
        }
        double gap = (double) eventTime - s.lastEventTime;
        double typical = s.typicalGapMillis;
        if (typical == 0) {
            s.typicalGapMillis = gap;
            return;
        }
        double bound = settings.gapFactor() * typical;
        if (gap > bound) {
            metrics.gaps.inc();
            if (settings.resetOnGap()) {
                for (int slot = 0; slot < ServingState.SLOTS; slot++) {
                    float[] state = s.serving.state(slot);
                    if (state != null) {
                        Arrays.fill(state, 0f);
                    }
                }
            }
        }
        s.typicalGapMillis = typical + (Math.min(gap, bound) - typical) / 16;
    }

    ForecastMetrics metrics() {
        return metrics;
    }

    /** The version held for each model name, ascending (tests). */
    Map<String, long[]> heldVersions() {
        Map<String, long[]> m = new HashMap<>();
        timelines.forEach((name, t) -> m.put(name, t.versions()));
        return m;
    }

    /** The state of the operator's current key (tests set the key on the operator first). */
    SeriesState currentState() throws Exception {
        return series.value();
    }
}
