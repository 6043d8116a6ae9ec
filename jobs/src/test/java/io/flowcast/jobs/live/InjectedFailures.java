package io.flowcast.jobs.live;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainerFunction;
import io.flowcast.jobs.train.TrainingSettings;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * The job's own forecaster and trainer, each able to throw once, inside the operator, after a
 * checkpoint completed: subclasses of the production functions, put in the production graph through
 * {@code ForecastPipeline.withFunctions} and {@code TrainingPipeline}'s function parameter. What to
 * do is a static {@link Plan} (the MiniCluster runs every attempt of the job in this JVM).
 */
final class InjectedFailures {

    private InjectedFailures() {
    }

    /** Where a run fails: nowhere, in the forecaster, or in the trainer. */
    enum Where {
        NONE, FORECASTER, TRAINER
    }

    /** One failure to inject, and what happened to it. */
    static final class Plan {
        volatile Where where = Where.NONE;
        /** Forecaster: the number of events (all subtasks) after which the failure is armed. */
        volatile long armAfterEvents;
        /** Trainer: the failure follows the publication of this version or a later one. */
        volatile long atVersion;
        final AtomicLong events = new AtomicLong();
        final AtomicInteger checkpointsCompleted = new AtomicInteger();
        /** Checkpoints completed when the failure was armed; -1: not armed. */
        final AtomicInteger armedAtCheckpoint = new AtomicInteger(-1);
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicBoolean restored = new AtomicBoolean();
        volatile String what;

        void reset(Where where, long armAfterEvents, long atVersion) {
            this.where = where;
            this.armAfterEvents = armAfterEvents;
            this.atVersion = atVersion;
            events.set(0);
            checkpointsCompleted.set(0);
            armedAtCheckpoint.set(-1);
            failed.set(false);
            restored.set(false);
            what = null;
        }

        /** Whether a checkpoint completed since the failure was armed (so recovery starts from it). */
        private boolean checkpointSinceArmed() {
            int armed = armedAtCheckpoint.get();
            return armed >= 0 && checkpointsCompleted.get() > armed;
        }

        private void fail(String description) {
            if (failed.compareAndSet(false, true)) {
                what = description;
                throw new IllegalStateException("injected failure: " + description);
            }
        }
    }

    static final Plan PLAN = new Plan();

    /** The forecaster, failing after an event once the plan's event count passed and a checkpoint completed. */
    static final class Forecaster extends ForecastFunction implements CheckpointListener {

        private static final long serialVersionUID = 1L;

        Forecaster(ForecastSettings settings, List<ModelRecord> preloaded, TrainingSettings training) {
            super(settings, preloaded, training);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            super.initializeState(context);
            if (context.isRestored()) {
                PLAN.restored.set(true);
            }
        }

        @Override
        public void processElement(Observation obs, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
            super.processElement(obs, ctx, out); // state updated, forecast emitted: then the failure
            if (PLAN.where != Where.FORECASTER || PLAN.failed.get()) {
                return;
            }
            long n = PLAN.events.incrementAndGet();
            if (n >= PLAN.armAfterEvents && PLAN.armedAtCheckpoint.compareAndSet(-1, PLAN.checkpointsCompleted.get())) {
                return;
            }
            if (PLAN.armedAtCheckpoint.get() >= 0) {
                if (PLAN.checkpointSinceArmed()) {
                    PLAN.fail("forecaster, after event " + obs.key + "@" + obs.timestamp + " (" + n + " events)");
                }
                LockSupport.parkNanos(500_000); // armed: slow down so that a checkpoint completes before the end
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            PLAN.checkpointsCompleted.incrementAndGet();
        }
    }

    /** The trainer, failing right after it published the plan's version, once a checkpoint completed. */
    static final class Trainer extends TrainerFunction implements CheckpointListener, CheckpointedFunction {

        private static final long serialVersionUID = 1L;

        Trainer(TrainingSettings settings) {
            super(settings);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelRecord> out) throws Exception {
            long[] newest = {0};
            super.onTimer(timestamp, ctx, new Collector<>() {
                @Override
                public void collect(ModelRecord r) {
                    newest[0] = Math.max(newest[0], r.version);
                    out.collect(r);
                }

                @Override
                public void close() {
                    out.close();
                }
            });
            if (PLAN.where == Where.TRAINER && newest[0] >= PLAN.atVersion && PLAN.checkpointsCompleted.get() > 0) {
                // The version is in the sink's open transaction, the trainer's state moved on: both roll back.
                PLAN.fail("trainer, right after publishing v" + newest[0]);
            }
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            PLAN.checkpointsCompleted.incrementAndGet();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            if (context.isRestored()) {
                PLAN.restored.set(true);
            }
        }
    }
}
