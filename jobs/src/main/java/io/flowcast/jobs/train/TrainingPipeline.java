package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.SerializerTypeInfo;
import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The trainer's side of the training path: the forecaster cuts each series' windows (and counts the
 * series) into {@link TrainerInput}s; here they are keyed by model name through
 * {@link TrainerFunction}, out as the published versions. The inputs must carry event-time
 * timestamps; the trainer waits for the watermark (a bounded input without watermarks releases
 * everything at its end, in time order).
 */
public final class TrainingPipeline implements Serializable {

    private static final long serialVersionUID = 2L;

    /**
     * Operator uid: savepoints map state to operators by it, so it must never change. (The first
     * release's {@code trainer} and {@code train-windows} operators held every series' history in
     * one value per model; their state is not carried over: see docs/training.md.)
     */
    public static final String TRAINER_UID = "model-trainer";

    /** The type of the forecaster's output to the trainer: explicit serializer, never Kryo. */
    public static final TypeInformation<TrainerInput> INPUT_TYPE =
            new SerializerTypeInfo<>(TrainerInput.class, TrainerInputSerializer.INSTANCE);

    private final TrainingSettings settings;
    private final SerializableFunction<TrainingSettings, TrainerFunction> functions;

    public TrainingPipeline(TrainingSettings settings) {
        this(settings, TrainerFunction::new);
    }

    /**
     * @param functions makes the trainer's function from the settings: {@code TrainerFunction::new} in
     *     the job; a test may pass a subclass (one that injects a failure, say), so that the graph under
     *     test is this one and not a copy of it
     */
    public TrainingPipeline(TrainingSettings settings, SerializableFunction<TrainingSettings, TrainerFunction> functions) {
        this.settings = settings;
        this.functions = functions;
    }

    public DataStream<ModelRecord> apply(DataStream<TrainerInput> inputs) {
        return inputs
                .keyBy(new ModelKey(), Types.STRING)
                .process(functions.apply(settings), TypeInformation.of(ModelRecord.class))
                .name("trainer").uid(TRAINER_UID);
    }

    public TrainingSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "TrainingPipeline{" + settings + "}";
    }

    /** A trainer input's model name. */
    public static final class ModelKey implements KeySelector<TrainerInput, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(TrainerInput in) {
            return in.model();
        }
    }
}
