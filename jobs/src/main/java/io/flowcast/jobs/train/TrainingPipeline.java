package io.flowcast.jobs.train;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.Observation;
import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The training path: observations, keyed by series, through {@link WindowBuilder}, then keyed by
 * model name through {@link TrainerFunction}, out as the published versions. The observations must
 * carry event-time timestamps; the trainer waits for the watermark (a bounded input without
 * watermarks releases everything at its end, in time order).
 */
public final class TrainingPipeline implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Operator uids: savepoints map state to operators by them, so they must never change. */
    public static final String WINDOWS_UID = "train-windows";
    public static final String TRAINER_UID = "trainer";

    private final TrainingSettings settings;

    public TrainingPipeline(TrainingSettings settings) {
        this.settings = settings;
    }

    public DataStream<ModelRecord> apply(DataStream<Observation> observations) {
        return observations
                .keyBy(new SeriesKey(), Types.STRING)
                .process(new WindowBuilder(settings.models()), TypeInformation.of(TrainingPoint.class))
                .name("training points").uid(WINDOWS_UID)
                .keyBy(new ModelKey(), Types.STRING)
                .process(new TrainerFunction(settings), TypeInformation.of(ModelRecord.class))
                .name("trainer").uid(TRAINER_UID);
    }

    public TrainingSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "TrainingPipeline{" + settings + "}";
    }

    /** An observation's series key. */
    public static final class SeriesKey implements KeySelector<Observation, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Observation o) {
            return o.key;
        }
    }

    /** A training point's model name. */
    public static final class ModelKey implements KeySelector<TrainingPoint, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(TrainingPoint p) {
            return p.model;
        }
    }
}
