package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.feed.Feeder;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.live.LiveSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to Kafka, when Kafka is not there or the settings are wrong: one line on
 * stderr naming the servers and what to check, a non-zero exit code, no stack trace, within the
 * stated time; and the user's client properties reach the feeder's, tail's and the summary's clients.
 */
class KafkaCommandErrorsTest {

    private static final String TRUSTSTORE = "/no/such/flowcast-cli-truststore.jks";
    private static final Map<String, String> SSL = Map.of(
            "security.protocol", "SSL", "ssl.truststore.location", TRUSTSTORE);

    @TempDir
    Path temp;

    private record Result(int exitCode, String out, String err, double seconds) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long started = System.nanoTime();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString(), (System.nanoTime() - started) / 1e9);
    }

    @Test
    @Timeout(60)
    void runFeedAndTailAtAnAddressWhereNothingListensFailInOneLineAfterTheTimeout() throws Exception {
        String servers = "127.0.0.1:" + closedPort();
        Set<Path> runFoldersBefore = runFolders();
        Result run = run("run", "--bootstrap-servers", servers, "--no-feed", "--kafka-timeout", "3s");
        Result feed = run("feed", "--bootstrap-servers", servers, "--kafka-timeout", "3s",
                "--data", temp.toString(), "--dataset", "x.csv");
        Result tail = run("tail", "--bootstrap-servers", servers, "--kafka-timeout", "3s");

        Files.writeString(temp.resolve("x.csv"), "timestamp,a\n2024-01-01 00:00:00,1\n");
        Result feedWithData = run("feed", "--bootstrap-servers", servers, "--kafka-timeout", "3s",
                "--data", temp.toString(), "--dataset", "x.csv");
        for (Map.Entry<String, Result> e : Map.of("run", run, "feed", feedWithData, "tail", tail).entrySet()) {
            Result r = e.getValue();
            assertThat(r.exitCode()).as(e.getKey() + ": " + r.err()).isEqualTo(1);
            assertThat(r.err().lines()).as(e.getKey()).containsExactly("flowcast " + e.getKey()
                    + ": no answer from Kafka at " + servers + " within 3 s (--kafka-timeout): check that a broker runs "
                    + "there and is reachable from this machine (address, port, firewall, its advertised.listeners), "
                    + "and that --kafka-property settings (security.protocol, sasl.*, ssl.*) match its listener");
            assertThat(r.seconds()).as(e.getKey()).isLessThan(15);
        }
        // feed checks its data before Kafka: a missing data set is the error to fix first.
        assertThat(feed.exitCode()).isEqualTo(2);
        assertThat(feed.err().lines()).singleElement().asString().startsWith("flowcast feed: ").contains("x.csv");
        assertThat(runFolders()).as("run's temporary folder deleted").isEqualTo(runFoldersBefore);
    }

    @Test
    void theFeedersTailsAndSummarysClientsAreGivenTheUserProperties() {
        KafkaClientConfig kafka = new KafkaClientConfig("127.0.0.1:9092", SSL, Duration.ofSeconds(5));
        // Each real client reads them at construction: the missing truststore fails it, by name.
        assertThat(failureOf(() -> new Feeder(kafka, "observations", Collections.emptyIterator(), 0, 0)))
                .contains(TRUSTSTORE);
        assertThat(failureOf(() -> TailCommand.consumer(kafka))).contains(TRUSTSTORE);
        assertThat(failureOf(() -> new LiveSummary(kafka, TopicNames.defaults()))).contains(TRUSTSTORE);
        // And without them the same clients are built.
        TailCommand.consumer(KafkaClientConfig.plain("127.0.0.1:9092")).close(Duration.ZERO);
    }

    @Test
    void theJobOptionsOfRunAndTheClusterJobCarryThemIntoTheJobsKafkaSettings() {
        JobOptions job = picocli.CommandLine.populateCommand(new JobOptions(),
                "--kafka-property", "security.protocol=SSL", "--kafka-property", "ssl.truststore.location=" + TRUSTSTORE);
        assertThat(job.kafka("broker:9093").clientProperties()).isEqualTo(SSL);
    }

    @Test
    void kafkaPropertiesComeFromFlagsAndAFileAndManagedKeysAreRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("client.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        KafkaClientOptions options = new KafkaClientOptions();
        picocli.CommandLine.populateCommand(options, "--kafka-properties", file.toString(),
                "--kafka-property", "sasl.mechanism=SCRAM-SHA-512", "--kafka-property", "client.rack=r1");
        assertThat(options.properties()).containsExactly(Map.entry("client.rack", "r1"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"), Map.entry("security.protocol", "SASL_SSL"));
        assertThat(options.timeout()).isEqualTo(KafkaClientConfig.DEFAULT_START_TIMEOUT);

        Result managed = run("tail", "--bootstrap-servers", "127.0.0.1:9092", "--kafka-property", "group.id=x");
        assertThat(managed.exitCode()).isEqualTo(2);
        assertThat(managed.err().lines()).singleElement().asString()
                .startsWith("flowcast tail: --kafka-property group.id is set by flowcast itself");
        Result noFile = run("tail", "--bootstrap-servers", "127.0.0.1:9092", "--kafka-properties", "/no/such.properties");
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err().lines()).containsExactly("flowcast tail: --kafka-properties /no/such.properties: no such file");
    }

    @Test
    void withDebugTheOneLineIsFollowedByTheStackTrace() {
        try {
            Result r = run("tail", "--bootstrap-servers", "127.0.0.1:9092", "--kafka-properties", "/no/such.properties",
                    "--debug");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().lines().findFirst()).hasValue(
                    "flowcast tail: --kafka-properties /no/such.properties: no such file");
            assertThat(r.err()).contains("java.lang.IllegalArgumentException").contains("\tat io.flowcast.jobs.cli.");
        } finally {
            CommandErrors.debug = false;
        }
    }

    @Test
    void anUnexpectedErrorIsOneLineWithItsRootCauseAndTheStackTraceOnlyWithDebug() {
        Exception e = new IllegalStateException("could not set up topics on h:1",
                new RuntimeException("wrapper", new java.net.ConnectException("Connection refused")));
        assertThat(CommandErrors.oneLine(e, false))
                .isEqualTo("IllegalStateException: could not set up topics on h:1; caused by java.net.ConnectException: "
                        + "Connection refused");
    }

    private static String failureOf(ThrowingRunnable action) {
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).as("the client refused the settings").isNotNull();
        StringBuilder chain = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            chain.append(t).append(" / ");
        }
        return chain.toString();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Set<Path> runFolders() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("flowcast-run-")).collect(Collectors.toSet());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
