package io.flowcast.jobs.forecast;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint or savepoint records about {@link SeriesStateSerializer}: the version of the
 * binary format its series states were written in.
 *
 * <p>Format 3 (issue 10: training windows cut from the series' own history) adds the series'
 * detected grid step and its expiry timer to format 2. Format 2 is <b>migrated</b>: Flink reads it
 * with {@link SeriesStateSerializer#FORMAT_2} and rewrites it in format 3; a migrated series detects
 * its step again from its history and registers its expiry timer at its next event.
 *
 * <p>Format 2 (issue 5: models served from the broadcast stream) replaced format 1 (a seeded net's
 * state and a ring of fed inputs). Format 1 is <b>refused</b>, with a message saying so: its ring
 * holds imputed inputs instead of observed values and its recurrent state belongs to an untrained
 * net, so a migrated series would differ from one that ran under this build anyway; start such a
 * job from a fresh state (series rebuild their history in one re-warm window).
 *
 * <p>To change the format later: add the new layout as format 3, make {@link #getCurrentVersion()}
 * return 3, keep a reader for format 2, and answer {@code compatibleAfterMigration()} for a snapshot
 * read as version 2 (Flink then reads old state with {@link #restoreSerializer()} and rewrites it).
 * Until then any other version is refused, so an unknown format is never read as garbage.
 */
public final class SeriesStateSerializerSnapshot implements TypeSerializerSnapshot<SeriesState> {

    /** The binary format {@link SeriesStateSerializer} writes today. */
    static final int FORMAT = 3;

    private int readFormat = FORMAT;

    /** Flink instantiates snapshots reflectively when it restores. */
    public SeriesStateSerializerSnapshot() {
    }

    @Override
    public int getCurrentVersion() {
        return FORMAT;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // The version Flink writes in front of this snapshot says it all; nothing else to record.
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        if (readVersion == 1) {
            throw new IOException("series state was written in format 1, by a forecaster before trained models were "
                    + "served (issue 5); this build reads formats 2 and " + FORMAT + " and does not migrate it: start "
                    + "the job without that checkpoint or savepoint (series then start over)");
        }
        if (readVersion != FORMAT && readVersion != 2) {
            throw new IOException("series state was written in format " + readVersion
                    + "; this build reads formats 2 and " + FORMAT);
        }
        readFormat = readVersion;
    }

    @Override
    public TypeSerializer<SeriesState> restoreSerializer() {
        return readFormat == 2 ? SeriesStateSerializer.FORMAT_2 : SeriesStateSerializer.INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<SeriesState> resolveSchemaCompatibility(
            TypeSerializerSnapshot<SeriesState> oldSnapshot) {
        if (oldSnapshot instanceof SeriesStateSerializerSnapshot old && old.readFormat == FORMAT) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (oldSnapshot instanceof SeriesStateSerializerSnapshot old && old.readFormat == 2) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
