package io.flowcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The cluster entry point's arguments and graph, built without running anything (the whole path on a
 * real cluster is deploy/e2e.sh). Outside a cluster the context environment is a local one.
 */
class ClusterJobTest {

    @Test
    void buildsTheLiveGraphWithCheckpointsAndTheFixedUids() {
        StreamExecutionEnvironment env = ClusterJob.parse("--bootstrap-servers", "127.0.0.1:9", "--parallelism", "3").build();
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointInterval()).as("default interval: output is committed at checkpoints").isEqualTo(5_000);
        List<String> uids = StreamSupport.stream(env.getStreamGraph().getStreamNodes().spliterator(), false)
                .map(StreamNode::getTransformationUID)
                .toList();
        // The uids savepoints are matched by, the same as `flowcast run`'s graph (ForecastJob).
        assertThat(uids).contains("observations-source", "parse-observations", "event-time", "forecasts-sink",
                "dead-letters-sink", "models-source", "forecast", "model-trainer", "models-sink");
    }

    @Test
    void forecastingAndTrainingCanRunAsTwoJobsSharingTheTopics() {
        assertThat(uids("--bootstrap-servers", "127.0.0.1:9", "--no-train"))
                .contains("forecast", "models-source", "forecasts-sink").doesNotContain("model-trainer", "models-sink");
        // The trainer learns from the windows the keyed forecaster cuts, so a training-only job runs
        // the forecaster too, but publishes none of its forecasts and reads no models.
        assertThat(uids("--bootstrap-servers", "127.0.0.1:9", "--train-only"))
                .contains("forecast", "model-trainer", "models-sink", "dead-letters-sink")
                .doesNotContain("forecasts-sink", "models-source");
    }

    private static List<String> uids(String... args) {
        StreamExecutionEnvironment env = ClusterJob.parse(args).build();
        return StreamSupport.stream(env.getStreamGraph().getStreamNodes().spliterator(), false)
                .map(StreamNode::getTransformationUID)
                .toList();
    }

    @Test
    void theCheckpointIntervalFlagWins() {
        StreamExecutionEnvironment env = ClusterJob.parse("--bootstrap-servers", "127.0.0.1:9", "--checkpoint-interval", "2s").build();
        assertThat(env.getCheckpointInterval()).isEqualTo(2_000);
    }

    @Test
    void badArgumentsThrowInsteadOfExitingTheJobManager() {
        assertThatThrownBy(() -> ClusterJob.parse("--checkpoint-interval", "2s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing required option: '--bootstrap-servers=HOST:PORT'");
        assertThatThrownBy(() -> ClusterJob.parse("--bootstrap-servers", "127.0.0.1:9", "--checkpoint-interval", "5min",
                "--transaction-timeout", "2min").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must exceed the checkpoint interval");
    }
}
