package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The {@code run} command as a user runs it, in this JVM: real broker, local Flink, feeder, summary. */
class RunCommandTest {

    private static final String DATA = Path.of(System.getProperty("flowcast.shared", "../../shared"), "data").toString();

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(90)
    void withALimitItFeedsTheBeijingStationsAndExitsZeroOnceAllForecastsAreCommitted() {
        Result r = run("run", "--limit", "600", "--speed", "0", "--checkpoint-interval", "1s",
                "--summary-interval", "2s", "--data", DATA, "-D", "pipeline.generic-types=false");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("(in-process KRaft broker")
                .containsPattern("Flink web UI  http://127\\.0\\.0\\.1:\\d+/")
                .contains("12 series")
                .contains("Asia/Shanghai time (UTC+08:00 at the first row)")
                .contains("done: 600 events fed, 600 forecasts and 0 dead letters committed");
        for (String station : new String[] {"Aotizhongxin", "Dongsi", "Wanshouxigong"}) {
            assertThat(r.out()).containsPattern(station + " +2013-03-0\\dT\\d\\d:00:00Z  v0 +h1=");
        }
        // Checkpoints went to a folder of their own (not JobManager memory), in the run's own temporary
        // folder, which is gone after the run.
        Matcher checkpoints = Pattern.compile("  checkpoints   (\\S+) \\(a temporary folder, deleted on exit\\)")
                .matcher(r.out());
        assertThat(checkpoints.find()).as(r.out()).isTrue();
        Path runFolder = Path.of(checkpoints.group(1)).getParent();
        assertThat(runFolder.getFileName().toString()).startsWith("flowcast-run-");
        assertThat(runFolder).hasParentRaw(Path.of(System.getProperty("java.io.tmpdir"))).doesNotExist();
        // The run has freed its ports by the time it returns.
        for (Pattern port : new Pattern[] {Pattern.compile("  Kafka +127\\.0\\.0\\.1:(\\d+)"),
                Pattern.compile("  Flink web UI +http://127\\.0\\.0\\.1:(\\d+)/")}) {
            Matcher m = port.matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            assertThat(free(Integer.parseInt(m.group(1)))).as("port " + m.group(1) + " free after the run").isTrue();
        }
    }

    /**
     * Training in the same job: versions go to {@code models}, come back to the forecaster, and the
     * summary shows them published and forecasts carrying them. The first model after 200 windows
     * (the default is 1,000) so it comes early; fed at a pace the trainer keeps up with.
     */
    @Test
    @Timeout(150)
    void itTrainsPublishesAndServesModelVersionsWhileRunning() {
        Result r = run("run", "--limit", "16000", "--speed", "800", "--checkpoint-interval", "1s",
                "--summary-interval", "2s", "--data", DATA, "--train", "min=200");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("publishing to models")
                .containsPattern("model flowcast: \\d+ published, newest v\\d+")
                .containsPattern("forecasts by model version: v0 [\\d,]+, v[1-9]\\d* [\\d,]+")
                .contains("done: 16,000 events fed, 16,000 forecasts and 0 dead letters committed");
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (java.io.IOException taken) {
            return false;
        }
    }

    @Test
    void aMissingDataFolderIsAClearErrorBeforeAnythingStarts() {
        Result r = run("run", "--data", "/no/such/folder");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString().startsWith("flowcast run: ")
                .contains("--data /no/such/folder: no such folder");
        assertThat(r.out()).doesNotContain("Kafka");
    }

    @Test
    void aTransactionTimeoutBelowTheCheckpointIntervalIsRefused() {
        Result r = run("run", "--checkpoint-interval", "2min", "--transaction-timeout", "1min", "--data", DATA);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--transaction-timeout");
    }
}
