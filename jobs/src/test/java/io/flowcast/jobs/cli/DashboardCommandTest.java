package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.testing.InProcessKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code dashboard}'s refusals: each a one-line error and exit code 2, before anything is served. */
class DashboardCommandTest {

    @RegisterExtension
    static final InProcessKafka kafka = new InProcessKafka();

    private record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void createTopics() throws Exception {
        kafka.createTopics(TopicNames.defaults(), 2);
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aMissingTopicATakenPortAndBadBoundsAreClearErrors() throws Exception {
        Result topic = run("dashboard", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-forecasts", "nope");
        assertThat(topic.exitCode()).isEqualTo(2);
        assertThat(topic.err()).contains("no topic nope");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result port = run("dashboard", "--bootstrap-servers", kafka.bootstrapServers(), "--port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(port.exitCode()).isEqualTo(2);
            assertThat(port.err()).contains("--port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
        }

        Result points = run("dashboard", "--bootstrap-servers", kafka.bootstrapServers(), "--points", "0");
        assertThat(points.exitCode()).isEqualTo(2);
        assertThat(points.err()).contains("--points must be at least 1");

        Result range = run("dashboard", "--bootstrap-servers", kafka.bootstrapServers(), "--port", "70000");
        assertThat(range.exitCode()).isEqualTo(2);
        assertThat(range.err()).contains("--port must be 0..65535");
    }
}
