package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.cli.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowcast run} as a user runs it: in its own JVM (the jar's main class and logging), with
 * {@code java.io.tmpdir} pointed at a folder of the test's. After a run that ends by itself and after
 * Ctrl-C (a real SIGINT), the process has exited cleanly, its ports are free and the temp folder holds
 * nothing the run made.
 */
class RunProcessTest {

    private static final Pattern KAFKA_PORT = Pattern.compile("  Kafka +127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern WEB_UI_PORT = Pattern.compile("  Flink web UI +http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path temp;

    @Test
    @Timeout(180)
    void aRunThatEndsByItselfLeavesNothingInTheTempFolder() throws Exception {
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        Process run = start(tmp, "--limit", "240", "--speed", "0");
        assertThat(run.waitFor(150, TimeUnit.SECONDS)).as(output()).isTrue();
        assertThat(run.exitValue()).as(output()).isZero();
        assertThat(stdout()).contains("done: 240 events fed, 240 forecasts");
        assertCleanlyStopped(tmp);
    }

    @Test
    @Timeout(180)
    void ctrlCStopsTheRunCleanly() throws Exception {
        Path tmp = Files.createDirectories(temp.resolve("tmp"));
        Process run = start(tmp, "--speed", "50");
        awaitOutput("job RUNNING", 120);
        assertThat(run.descendants().count()).as("no process of its own").isZero();
        assertThat(nonLoopbackListeners(run.pid())).as("every port it listens on is on 127.0.0.1").isEmpty();

        long signalled = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(run.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("the JVM exits: nothing keeps it alive\n" + output()).isTrue();
        double stopSeconds = (System.nanoTime() - signalled) / 1e9;

        assertThat(run.exitValue()).as(output()).isEqualTo(130); // the JVM's exit code for SIGINT
        assertThat(stdout()).contains("stopping: shutdown requested (Ctrl-C or SIGTERM)");
        assertCleanlyStopped(tmp);
        System.out.printf("run stopped %.1f s after SIGINT%n", stopSeconds);
    }

    /**
     * The process's listening TCP sockets that are not on the loopback address, from {@code ss}
     * (iproute2); the check is skipped where {@code ss} is missing.
     */
    private static List<String> nonLoopbackListeners(long pid) throws Exception {
        Process ss;
        try {
            ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
        } catch (IOException noSs) {
            Assumptions.abort("no ss on this machine: " + noSs.getMessage());
            return List.of();
        }
        String listing = new String(ss.getInputStream().readAllBytes());
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> mine = listing.lines().filter(l -> l.contains("pid=" + pid + ",")).toList();
        assertThat(mine).as("ss shows the process's listeners:\n" + listing).hasSizeGreaterThanOrEqualTo(3);
        return mine.stream().filter(l -> !l.matches(".*\\s(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\]):\\d+\\s.*"))
                .toList();
    }

    private void assertCleanlyStopped(Path tmp) throws IOException {
        String out = stdout();
        String err = Files.readString(temp.resolve("stderr"));
        assertThat(err).as("no stack trace on the console").doesNotContain("\tat ");
        for (Pattern port : List.of(KAFKA_PORT, WEB_UI_PORT)) {
            Matcher m = port.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            assertThat(free(Integer.parseInt(m.group(1)))).as("port %s released", m.group(1)).isTrue();
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the run left nothing in java.io.tmpdir").isEmpty();
        }
    }

    private Process start(Path tmp, String... runArgs) throws IOException, URISyntaxException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-Djava.io.tmpdir=" + tmp,
                // The jar's console logging, not the tests' log file.
                "-Dlog4j2.configurationFile=" + Path.of(Main.class.getResource("/log4j2.properties").toURI()),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(),
                "run", "--data", SharedData.dir().toString(), "--no-train", "--parallelism", "1",
                "--checkpoint-interval", "1s", "--summary-interval", "2s"));
        command.addAll(List.of(runArgs));
        return new ProcessBuilder(command)
                .redirectOutput(temp.resolve("stdout").toFile())
                .redirectError(temp.resolve("stderr").toFile())
                .start();
    }

    private void awaitOutput(String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!stdout().contains(text)) {
            assertThat(System.nanoTime()).as("waiting for '" + text + "'\n" + output()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private String stdout() throws IOException {
        return Files.readString(temp.resolve("stdout"));
    }

    private String output() {
        try {
            return stdout() + "\n--- stderr ---\n" + Files.readString(temp.resolve("stderr"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
