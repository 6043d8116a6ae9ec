package io.flowcast.jobs.train;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint or savepoint records about {@link TrainerStateSerializer}: the format version.
 * To change the format: add it as format 2, keep a reader for 1, and answer
 * {@code compatibleAfterMigration()} for a version-1 snapshot. Until then any other version is
 * refused, so an unknown format is never read as garbage. (The retrainer's own bytes carry
 * {@code Retrainer}'s state version too.)
 */
public final class TrainerStateSerializerSnapshot implements TypeSerializerSnapshot<TrainerState> {

    static final int FORMAT = 1;

    private int readFormat = FORMAT;

    public TrainerStateSerializerSnapshot() {
    }

    @Override
    public int getCurrentVersion() {
        return FORMAT;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (readVersion != FORMAT) {
            throw new IOException("trainer state was written in format " + readVersion + "; this build reads format "
                    + FORMAT + " only");
        }
        readFormat = readVersion;
    }

    @Override
    public TypeSerializer<TrainerState> restoreSerializer() {
        return TrainerStateSerializer.INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<TrainerState> resolveSchemaCompatibility(
            TypeSerializerSnapshot<TrainerState> oldSnapshot) {
        if (oldSnapshot instanceof TrainerStateSerializerSnapshot old && old.readFormat == FORMAT) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
