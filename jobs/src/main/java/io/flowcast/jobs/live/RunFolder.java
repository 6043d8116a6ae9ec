package io.flowcast.jobs.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one {@code run} writes to disk, in one folder of its own under {@code java.io.tmpdir},
 * deleted when the run ends, Ctrl-C included: the in-process broker's log, the default checkpoints,
 * and the local Flink cluster's folders, which Flink would otherwise scatter over the temp folder and
 * leave there (its I/O and spill folders, the RPC system's unpacked jar, the blob store, the web UI's
 * files and uploads, the task managers' working folders, RocksDB's local folders and native library).
 */
final class RunFolder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunFolder.class);
    static final String PREFIX = "flowcast-run-";
    /**
     * The local cluster shuts down in the background once its job has ended, deleting its own folders
     * as it goes; deleting is retried for this long, until the folder is gone and stays gone.
     */
    private static final Duration DELETE_PATIENCE = Duration.ofSeconds(30);
    private static final Duration STAYS_GONE = Duration.ofMillis(500);

    private final Path path;

    private RunFolder(Path path) {
        this.path = path;
    }

    /** A new folder {@code flowcast-run-*} under {@code tempRoot}. */
    static RunFolder create(Path tempRoot) throws IOException {
        return new RunFolder(Files.createTempDirectory(Files.createDirectories(tempRoot), PREFIX));
    }

    static RunFolder create() throws IOException {
        return create(Path.of(System.getProperty("java.io.tmpdir")));
    }

    Path path() {
        return path;
    }

    /**
     * Points every folder of a local Flink cluster into this one; call before the user's {@code -D}
     * settings are added, so that theirs still win.
     */
    void applyTo(Configuration conf) {
        // Also the default of RocksDB's local folders, the RPC system's unpacked jar and the task
        // managers' spill and shuffle files.
        conf.set(CoreOptions.TMP_DIRS, path.resolve("flink-io").toString());
        conf.set(WebOptions.TMP_DIR, path.resolve("flink-web").toString());
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, path.resolve("flink-blobs").toString());
        conf.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, path.resolve("flink-work").toString());
    }

    /** Deletes the folder and everything in it; waits (bounded) for a cluster still shutting down. */
    @Override
    public void close() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DELETE_PATIENCE.toNanos();
        while (true) {
            IOException failure = null;
            try {
                FileUtils.deleteDirectory(path.toFile()); // nothing to do if it is gone
            } catch (IOException e) {
                failure = e; // something still writing into it: try again
            }
            if (failure == null) {
                Thread.sleep(STAYS_GONE.toMillis());
                if (!Files.exists(path)) {
                    LOG.debug("deleted the run's folder {}", path);
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw failure != null ? failure : new IOException("the run's folder " + path + " keeps being recreated");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public String toString() {
        return "run folder " + path;
    }
}
