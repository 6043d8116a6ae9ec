package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.testing.InProcessKafka;
import io.flowcast.jobs.testing.ReadCommitted;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code feed} and {@code tail} against a real broker, as deploy/e2e.sh uses them; {@code kafka}'s port check. */
class FeedAndTailCommandTest {

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
        int code = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void feedReplaysTheBeijingStationsAndSkipContinuesWhereAnEarlierFeedStopped() {
        String data = SharedData.dir().toString();
        Result first = run("feed", "--bootstrap-servers", kafka.bootstrapServers(), "--data", data, "--limit", "24", "--speed", "0");
        Result next = run("feed", "--bootstrap-servers", kafka.bootstrapServers(), "--data", data, "--skip", "24", "--limit", "12",
                "--speed", "0");
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("12 series").contains("fed 24 events");
        assertThat(next.exitCode()).as(next.out() + next.err()).isZero();
        assertThat(next.out()).contains("after the first 24").contains("fed 12 events");

        List<String> values = ReadCommitted.readAll(kafka.bootstrapServers(), "observations", Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
        // Two hourly rows of 12 stations, then the third: local midnight in Beijing is 16:00 UTC.
        assertThat(values).hasSize(36);
        assertThat(values.stream().filter(v -> v.contains("\"2013-02-28T16:00:00Z\""))).hasSize(12);
        assertThat(values.stream().filter(v -> v.contains("\"2013-02-28T18:00:00Z\""))).hasSize(12);
    }

    @Test
    void tailPrintsOnlyCommittedOutputAndTimesOutWhenTooLittleArrives() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("forecasts", "a", "{\"aborted\":1}"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("forecasts", "a", "{\"forecast\":1}"));
            producer.send(new ProducerRecord<>("dead-letters", "{\"reason\":\"not-json\"}"));
            producer.commitTransaction();
        }

        Result two = run("tail", "--bootstrap-servers", kafka.bootstrapServers(), "--max", "2", "--timeout", "30s");
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.out().lines()).containsExactlyInAnyOrder("{\"forecast\":1}", "{\"reason\":\"not-json\"}");
        assertThat(two.err()).contains("tail: 2 records (1 forecasts, 1 dead letters)");

        Result three = run("tail", "--bootstrap-servers", kafka.bootstrapServers(), "--max", "3", "--timeout", "2s");
        assertThat(three.exitCode()).isEqualTo(1);
        assertThat(three.err()).contains("timed out after PT2S waiting for 3 records");
    }

    @Test
    void missingTopicsAndATakenPortAreClearErrors() throws IOException {
        Result feed = run("feed", "--bootstrap-servers", kafka.bootstrapServers(), "--data", SharedData.dir().toString(),
                "--topic-observations", "no-such-topic");
        assertThat(feed.exitCode()).isEqualTo(2);
        assertThat(feed.err()).contains("no topic no-such-topic on " + kafka.bootstrapServers());

        Result tail = run("tail", "--bootstrap-servers", kafka.bootstrapServers(), "--topic-forecasts", "nope");
        assertThat(tail.exitCode()).isEqualTo(2);
        assertThat(tail.err()).contains("no topic nope");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result broker = run("kafka", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(broker.exitCode()).isEqualTo(2);
            assertThat(broker.err()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }
}
