package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.CheckpointStorage;
import org.apache.flink.runtime.state.CheckpointStorageLoader;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code run}'s checkpoints go to a folder, never to the JobManager's memory (whose size limit fails
 * every checkpoint once there are some dozens of series), as Flink itself reads the configuration
 * {@code run} starts its local cluster with. No cluster is started.
 */
class RunCheckpointsTest {

    @TempDir
    Path temp;

    @Test
    void byDefaultRunCheckpointsToTheRunsOwnTemporaryFolderAndDeletesItOnExit() throws Exception {
        Path runFolder = Files.createDirectories(temp.resolve("flowcast-run-1"));
        RunCheckpoints checkpoints = RunCheckpoints.choose(null, Map.of(), runFolder);
        Path folder = checkpoints.temporary();
        assertThat(folder).isDirectory().isEqualTo(runFolder.resolve(RunCheckpoints.TEMP_FOLDER));
        assertThat(checkpoints.describe()).startsWith(folder.toString()).contains("deleted on exit");

        assertThat(checkpointFolder(storageOf(Map.of(), checkpoints))).isEqualTo(folder);

        Path anotherRun = Files.createDirectories(temp.resolve("flowcast-run-2"));
        RunCheckpoints another = RunCheckpoints.choose(null, Map.of(), anotherRun);
        assertThat(another.temporary()).as("one folder per run").isNotEqualTo(folder);

        Files.writeString(Files.createDirectories(folder.resolve("some-job/chk-1")).resolve("_metadata"), "x");
        checkpoints.close();
        assertThat(folder).doesNotExist();
        assertThat(another.temporary()).as("another run's folder stays").isDirectory();
        another.close();
    }

    @Test
    void theCheckpointDirFlagIsUsedAndKept() throws Exception {
        Path dir = temp.resolve("mine");
        RunCheckpoints checkpoints = RunCheckpoints.choose(dir.toString(), Map.of(), temp);
        assertThat(checkpoints.temporary()).isNull();
        assertThat(checkpoints.describe()).contains("--checkpoint-dir").contains("kept on exit");

        assertThat(checkpointFolder(storageOf(Map.of(), checkpoints))).isEqualTo(dir);

        Files.createDirectories(dir.resolve("some-job"));
        checkpoints.close();
        assertThat(dir.resolve("some-job")).isDirectory();
        assertThat(temp.resolve(RunCheckpoints.TEMP_FOLDER)).as("no temporary folder made").doesNotExist();
    }

    @Test
    void aFlinkSettingGivenWithDashDWinsOverTheFlag() throws Exception {
        Path fromFlag = temp.resolve("flag");
        for (String key : new String[] {"execution.checkpointing.dir", "state.checkpoints.dir"}) {
            Path fromSetting = temp.resolve(key);
            Map<String, String> flinkConf = Map.of(key, fromSetting.toUri().toString());
            RunCheckpoints checkpoints = RunCheckpoints.choose(fromFlag.toString(), flinkConf, temp);
            assertThat(checkpoints.temporary()).isNull();
            assertThat(checkpoints.describe()).as(key).contains(fromSetting.toUri().toString());

            assertThat(checkpointFolder(storageOf(flinkConf, checkpoints))).as(key).isEqualTo(fromSetting);
        }
    }

    @Test
    void jobManagerStorageOnlyWhenAskedFor() throws Exception {
        Map<String, String> flinkConf = Map.of("execution.checkpointing.storage", "jobmanager");
        RunCheckpoints checkpoints = RunCheckpoints.choose(null, flinkConf, temp);
        assertThat(checkpoints.temporary()).isNull();
        assertThat(checkpoints.describe()).contains("JobManager memory");
        assertThat(storageOf(flinkConf, checkpoints)).isInstanceOf(JobManagerCheckpointStorage.class);
    }

    /** The checkpoint storage Flink makes of the environment run creates its local cluster and job with. */
    private static CheckpointStorage storageOf(Map<String, String> flinkConf, RunCheckpoints checkpoints)
            throws Exception {
        Configuration conf = LiveRun.localClusterConfiguration(flinkConf, checkpoints, null, "127.0.0.1", 0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        return CheckpointStorageLoader.fromConfig(env.getConfiguration(), RunCheckpointsTest.class.getClassLoader(),
                LoggerFactory.getLogger(RunCheckpointsTest.class)).orElseThrow();
    }

    private static Path checkpointFolder(CheckpointStorage storage) {
        assertThat(storage).isInstanceOf(FileSystemCheckpointStorage.class);
        return Path.of(((FileSystemCheckpointStorage) storage).getCheckpointPath().toUri());
    }
}
