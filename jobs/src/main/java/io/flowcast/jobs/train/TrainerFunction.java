package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.online.Retrainer;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.train.TrainingReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer of each model (keyed by model name): buffers the model's points until the event-time
 * watermark passes them, then feeds them to the model's {@link Retrainer} in training order (event
 * time, then series key), calling {@link Retrainer#maybeRetrain} after each new time stamp, and emits
 * every published version as a {@link ModelRecord}. So the models depend only on the data, never on
 * arrival order or parallelism, and a version published at t has seen nothing after t. (A point that
 * arrives after the watermark passed it is still fed, with the next batch, but triggers no fit and is
 * counted in {@code lateForTraining}; only that breaks the independence from arrival order.)
 *
 * <p>State per model: {@code trainer} ({@link TrainerState} through {@link TrainerStateSerializer};
 * read and written once per timer firing, never per point), {@code pending} (the points the watermark
 * has not passed yet) and {@code drainedTo} (the watermark of the last drain: the other timers of the
 * same watermark advance find nothing to do without touching the trainer). One timer per distinct
 * event time; the first to fire in an advance drains every point up to the new watermark.
 *
 * <p>Memory per model: the retrainer's history, {@code OnlineRecipe.historyLength()} steps per series
 * key at 16 bytes each (5,061 steps, 81 KB, per key for half-hourly data with the defaults; 10,341
 * steps, 165 KB, for 5-minute data) plus the net, the serving model and the samples of one fit while
 * it runs; plus the pending points (about 60 bytes each on the heap) for as long as the watermark
 * lags. A bounded job without watermarks (the backtest) keeps every point pending until its end.
 *
 * <p>A version's payload carries the fit's wall time ({@code trainingMillis}), the one field that
 * differs between two runs of the same training; the backtest clears it
 * ({@link ModelRecord#withoutWallTime()}) so that its records are identical run to run.
 */
public class TrainerFunction extends KeyedProcessFunction<String, TrainingPoint, ModelRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerFunction.class);

    /** State names: savepoints find state by them (and the operator uid); never rename. */
    public static final String TRAINER_STATE = "trainer";
    public static final String PENDING_STATE = "pending";
    public static final String DRAINED_STATE = "drainedTo";

    private final TrainingSettings settings;
    private transient ValueState<TrainerState> trainer;
    private transient ListState<TrainingPoint> pending;
    private transient ValueState<Long> drainedTo;
    private transient Metrics metrics;

    public TrainerFunction(TrainingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        trainer = getRuntimeContext().getState(new ValueStateDescriptor<>(TRAINER_STATE, TrainerStateSerializer.INSTANCE));
        pending = getRuntimeContext().getListState(
                new ListStateDescriptor<>(PENDING_STATE, TypeInformation.of(TrainingPoint.class)));
        drainedTo = getRuntimeContext().getState(new ValueStateDescriptor<>(DRAINED_STATE, Types.LONG));
        metrics = new Metrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(TrainingPoint p, Context ctx, Collector<ModelRecord> out) throws Exception {
        pending.add(new TrainingPoint(p.model, p.series, p.time, p.value)); // a copy: object reuse is on
        long watermark = ctx.timerService().currentWatermark();
        // Behind the watermark: the timer at its own time would fire at the next advance anyway, but after
        // the drain of that advance recorded a later watermark; one just after the watermark is drained then.
        ctx.timerService().registerEventTimeTimer(
                p.time > watermark || watermark == Long.MAX_VALUE ? p.time : watermark + 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelRecord> out) throws Exception {
        Long drained = drainedTo.value();
        if (drained != null && timestamp <= drained) {
            return; // this advance was drained by an earlier timer
        }
        long watermark = ctx.timerService().currentWatermark();
        List<TrainingPoint> ready = new ArrayList<>();
        List<TrainingPoint> later = new ArrayList<>();
        Iterable<TrainingPoint> all = pending.get();
        if (all != null) {
            for (TrainingPoint p : all) {
                (p.time <= watermark ? ready : later).add(p);
            }
        }
        pending.update(later);
        drainedTo.update(watermark);
        if (ready.isEmpty()) {
            return;
        }
        ready.sort(TrainingPoint::compare);
        String name = ctx.getCurrentKey();
        TrainerState state = trainer.value();
        if (state == null) {
            state = new TrainerState();
        }
        state.feed(ready, watermark == Long.MAX_VALUE, name, settings, new Fits(name, out));
        trainer.update(state);
        metrics.replayKeys(name, state.replayKeys());
    }

    /** The state of the current key (tests: the live object on the heap, a copy on RocksDB). */
    TrainerState currentState() throws Exception {
        return trainer.value();
    }

    /** The points of the current key the watermark has not passed (tests). */
    List<TrainingPoint> pendingPoints() throws Exception {
        List<TrainingPoint> out = new ArrayList<>();
        Iterable<TrainingPoint> all = pending.get();
        if (all != null) {
            all.forEach(out::add);
        }
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
    private final class Fits implements TrainerState.Fits {
        private final String name;
        private final Collector<ModelRecord> out;

        Fits(String name, Collector<ModelRecord> out) {
            this.name = name;
            this.out = out;
        }

        @Override
        public void fitted(Retrainer.FitOutcome outcome, Retrainer retrainer, long at) {
            TrainingReport report = outcome.report();
            boolean diverged = diverged(report);
            metrics.fits.inc();
            metrics.lastValidationLoss = report.bestValidationLoss();
            metrics.lastFitMillis = report.elapsed().toMillis();
            if (diverged) {
                metrics.fitsDiverged.inc();
            }
            String line = String.format(Locale.ROOT, "model %s, fit %d at %s (%d keys, %d windows, %d epochs, %d steps"
                            + " skipped, %d ms): %s", name, retrainer.fits(), Instant.ofEpochMilli(at),
                    retrainer.keyCount(), report.trainSamples() + report.validationSamples(), report.epochsRun(),
                    report.skippedSteps(), report.elapsed().toMillis(), outcome.decision());
            if (outcome.published() != null) {
                metrics.modelsPublished.inc();
                out.collect(ModelRecord.of(outcome.published()));
            } else {
                metrics.fitsKept.inc();
            }
            if (diverged) {
                LOG.warn("training diverged: {}", line);
            } else {
                LOG.info(line);
            }
        }

        @Override
        public void late(TrainingPoint p) {
            metrics.lateForTraining.inc();
        }

        @Override
        public void refused(TrainingPoint p, IllegalArgumentException why) {
            metrics.refused.inc();
            LOG.warn("model {}: point refused by the retrainer: {}", name, why.getMessage());
        }

        @Override
        public void failed(long at, IllegalArgumentException why) {
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
        final Counter refused;
        final Counter fitErrors;
        volatile double lastValidationLoss = Double.NaN;
        volatile long lastFitMillis;
        /** Replay keys per model drained since this subtask started (restored models count once drained). */
        private final java.util.Map<String, Integer> keysByModel = new java.util.HashMap<>();
        private volatile long replayKeys;

        Metrics(MetricGroup group) {
            fits = group.counter("fits");
            modelsPublished = group.counter("modelsPublished");
            fitsKept = group.counter("fitsKept");
            fitsDiverged = group.counter("fitsDiverged");
            lateForTraining = group.counter("lateForTraining");
            refused = group.counter("pointsRefused");
            fitErrors = group.counter("fitErrors");
            group.gauge("lastValidationLoss", (Gauge<Double>) () -> lastValidationLoss);
            group.gauge("lastFitMillis", (Gauge<Long>) () -> lastFitMillis);
            group.gauge("replayKeys", (Gauge<Long>) () -> replayKeys);
        }

        void replayKeys(String model, int keys) {
            Integer before = keysByModel.put(model, keys);
            replayKeys += keys - (before == null ? 0 : before);
        }

        long replayKeys() {
            return replayKeys;
        }
    }
}
