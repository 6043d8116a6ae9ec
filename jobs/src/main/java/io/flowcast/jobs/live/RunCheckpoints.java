package io.flowcast.jobs.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@code run}'s checkpoints go. Flink's default without a checkpoint directory keeps them in the
 * JobManager's memory, which refuses any checkpoint above a few MiB: with the keyed state of some
 * dozens of series every checkpoint then fails, the job restarts over and over, and since output is
 * committed at checkpoints nothing is ever committed. So {@code run} always writes them to a folder:
 * <ol>
 *   <li>{@code -D execution.checkpointing.dir=...} (or its older name {@code state.checkpoints.dir}),
 *       as any Flink setting given by the user, wins; kept on exit;</li>
 *   <li>else {@code --checkpoint-dir DIR}; kept on exit, so a later run can restore from it;</li>
 *   <li>else {@code checkpoints/} in the run's own temporary folder ({@link RunFolder}), deleted on
 *       exit: one per run, so two runs on one machine never share one.</li>
 * </ol>
 * A user who asks for {@code -D execution.checkpointing.storage=jobmanager} gets exactly that.
 */
final class RunCheckpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
    static final String TEMP_FOLDER = "checkpoints";

    /** Where checkpoints go, as Flink takes it (a URI); null when the user chose JobManager memory. */
    private final String location;
    /** The folder to delete on close: the default temporary one only. */
    private final Path temporary;
    private final String origin;

    private RunCheckpoints(String location, Path temporary, String origin) {
        this.location = location;
        this.temporary = temporary;
        this.origin = origin;
    }

    /**
     * @param checkpointDir the {@code --checkpoint-dir} flag (a folder or a URI), or null
     * @param flinkConf the user's {@code -D} settings
     * @param runFolder the run's own temporary folder, in which the default folder is made
     */
    static RunCheckpoints choose(String checkpointDir, Map<String, String> flinkConf, Path runFolder) throws IOException {
        Configuration user = Configuration.fromMap(flinkConf);
        Optional<String> storage = user.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE);
        if (storage.isPresent() && storage.get().equalsIgnoreCase("jobmanager")) {
            return new RunCheckpoints(null, null, "in JobManager memory (-D " + CheckpointingOptions.CHECKPOINT_STORAGE.key()
                    + "=jobmanager; checkpoints above its size limit fail)");
        }
        Optional<String> configured = user.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (configured.isPresent()) {
            return new RunCheckpoints(configured.get(), null, "(-D " + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                    + ", kept on exit)");
        }
        if (checkpointDir != null && !checkpointDir.isBlank()) {
            return new RunCheckpoints(toUri(checkpointDir), null, "(--checkpoint-dir, kept on exit)");
        }
        Path folder = Files.createDirectories(runFolder.resolve(TEMP_FOLDER));
        return new RunCheckpoints(folder.toUri().toString(), folder, "(a temporary folder, deleted on exit)");
    }

    /** A plain path becomes an absolute file URI; a URI (file:///..., s3://...) stays as given. */
    private static String toUri(String dir) {
        if (dir.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return URI.create(dir).toString();
        }
        return Path.of(dir).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * Sets filesystem checkpoint storage at {@link #location()}; call before the user's {@code -D}
     * settings are added, so that theirs still win.
     */
    void applyTo(Configuration conf) {
        if (location == null) {
            return;
        }
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, location);
    }

    /** The checkpoint directory as a URI; null when the user chose JobManager memory. */
    String location() {
        return location;
    }

    /** The default temporary folder that {@link #close()} deletes; null when the folder is the user's. */
    Path temporary() {
        return temporary;
    }

    /** For run's header: where, and what happens to it on exit. */
    String describe() {
        if (location == null) {
            return origin;
        }
        return (temporary != null ? temporary.toString() : location) + " " + origin;
    }

    /** Deletes the default temporary folder (the job must have stopped); a folder the user named stays. */
    @Override
    public void close() {
        if (temporary == null) {
            return;
        }
        deleteRecursively(temporary);
        LOG.info("deleted the checkpoint folder {}", temporary);
    }

    private static void deleteRecursively(Path dir) {
        try {
            FileUtils.deleteDirectory(dir.toFile()); // nothing to do if it is gone
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the checkpoint folder " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "checkpoints " + describe();
    }
}
