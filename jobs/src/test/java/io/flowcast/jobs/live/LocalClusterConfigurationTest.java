package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration {@code run} starts its local Flink cluster with: listeners on the loopback
 * address unless the user says otherwise, every folder inside the run's own, no Kryo; the user's
 * {@code -D} settings win. No cluster is started.
 */
class LocalClusterConfigurationTest {

    @TempDir
    Path temp;

    @Test
    void listenersAreOnLoopbackFoldersInTheRunsFolderAndNoKryo() throws Exception {
        RunFolder folder = RunFolder.create(temp);
        Configuration conf = LiveRun.localClusterConfiguration(Map.of(),
                RunCheckpoints.choose(null, Map.of(), folder.path()), folder, "127.0.0.1", 8081);

        assertThat(conf.get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(conf.get(RestOptions.PORT)).isEqualTo(8081);
        assertThat(conf.get(JobManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1"); // the blob server's too
        assertThat(conf.get(TaskManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        for (String dir : new String[] {conf.get(CoreOptions.TMP_DIRS), conf.get(WebOptions.TMP_DIR),
                conf.get(BlobServerOptions.STORAGE_DIRECTORY), conf.get(ClusterOptions.PROCESS_WORKING_DIR_BASE)}) {
            assertThat(Path.of(dir)).startsWithRaw(folder.path());
        }
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(folder.path().getFileName().toString()).startsWith(RunFolder.PREFIX);
    }

    @Test
    void theWebUiAddressFlagAndDashDSettingsWin() throws Exception {
        RunFolder folder = RunFolder.create(temp);
        Path mine = temp.resolve("my-io");
        Configuration conf = LiveRun.localClusterConfiguration(Map.of("io.tmp.dirs", mine.toString()),
                RunCheckpoints.choose(null, Map.of(), folder.path()), folder, "0.0.0.0", 0);
        assertThat(conf.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(conf.get(JobManagerOptions.BIND_HOST)).as("only the web UI is opened").isEqualTo("127.0.0.1");
        assertThat(conf.get(CoreOptions.TMP_DIRS)).isEqualTo(mine.toString());
    }

    @Test
    void closingDeletesTheFolderAndAllInIt() throws Exception {
        RunFolder folder = RunFolder.create(temp);
        Files.writeString(Files.createDirectories(folder.path().resolve("flink-io/a/b")).resolve("spill"), "x");
        folder.close();
        assertThat(folder.path()).doesNotExist();
        assertThat(temp).isEmptyDirectory();
    }
}
