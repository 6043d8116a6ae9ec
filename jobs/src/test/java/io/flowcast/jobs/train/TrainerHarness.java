package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** A {@link TrainerFunction} in Flink's keyed operator harness (generic types off), with helpers. */
final class TrainerHarness implements AutoCloseable {

    static final long HOUR = 3_600_000L;

    /** Hourly; period 12, window 6, horizon 3, retrain every 24 steps, no net margin: fits take milliseconds. */
    static TrainingSettings tiny() {
        return TrainingSettings.defaults(3, ModelNames.fixed("m")).withStep(Duration.ofHours(1))
                .with("window", "6").with("season", "12").with("seasons", "2").with("hidden", "8")
                .with("samples", "60").with("min", "40").with("every", "24h").with("first", "10")
                .with("epochs", "3").with("margin", "0").with("seed", "7").with("lr", "0.01")
                .with("batch", "16").with("val", "0.2").with("patience", "2");
    }

    /** Seasonal (period 12) plus a 5-step sawtooth the seasonal reference cannot know but a net can learn. */
    static float value(int t) {
        return (float) (100 + 30 * Math.sin(2 * Math.PI * t / 12) + 20 * ((t % 5) - 2));
    }

    /** Step t of series "a" (or "b": twice it plus 5, every 17th missing) of model "m". */
    static TrainingPoint point(String series, int t) {
        float v = series.equals("a") ? value(t) : t % 17 == 0 ? Float.NaN : 2 * value(t) + 5;
        return new TrainingPoint("m", series, t * HOUR, v);
    }

    final TrainerFunction function;
    final KeyedOneInputStreamOperatorTestHarness<String, TrainingPoint, ModelRecord> harness;

    TrainerHarness(TrainingSettings settings, StateBackend backend, OperatorSubtaskState restoreFrom) throws Exception {
        function = new TrainerFunction(settings);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                new TrainingPipeline.ModelKey(), Types.STRING);
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

    void send(TrainingPoint p) throws Exception {
        harness.processElement(new StreamRecord<>(p, p.time));
    }

    /** Steps {@code from..to-1} of both series, then a watermark at the last step every {@code every} steps. */
    void steps(int from, int to, int every) throws Exception {
        for (int t = from; t < to; t++) {
            send(point("a", t));
            send(point("b", t));
            if ((t + 1) % every == 0) {
                watermark(t * HOUR);
            }
        }
    }

    void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    /** The records emitted, without the fit's wall time (so they compare byte for byte). */
    List<ModelRecord> records() {
        return harness.extractOutputValues().stream().map(ModelRecord::withoutWallTime).toList();
    }

    TrainerState state(String model) throws Exception {
        harness.getOperator().setCurrentKey(model);
        return function.currentState();
    }

    List<TrainingPoint> pending(String model) throws Exception {
        harness.getOperator().setCurrentKey(model);
        return function.pendingPoints();
    }

    OperatorSubtaskState snapshot(long id) throws Exception {
        return harness.snapshot(id, id);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
