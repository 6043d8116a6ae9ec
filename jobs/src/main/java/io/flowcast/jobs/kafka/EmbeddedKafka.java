package io.flowcast.jobs.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.flink.util.FileUtils;

/**
 * A real single-node Kafka (KRaft: one process that is both broker and controller) running inside
 * this JVM, built from Kafka's own server artifacts. It listens on 127.0.0.1 on free ports, keeps its
 * log in a temporary folder and deletes it on {@link #close()}. Used by {@code run} without
 * {@code --bootstrap-servers} and by the end-to-end tests, so both exercise the real protocol,
 * transactions included.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path logDir;
    private final String bootstrapServers;
    private final KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, String bootstrapServers, KafkaRaftServer server) {
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.server = server;
    }

    /** Formats a fresh log folder and starts the node on a free port; returns once it accepts clients. */
    public static EmbeddedKafka start() throws Exception {
        return start(0);
    }

    /**
     * Formats a fresh log folder and starts the node; returns once it accepts clients.
     *
     * @param port the client port on 127.0.0.1; 0 for a free one
     */
    public static EmbeddedKafka start(int port) throws Exception {
        return start(port, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * As {@link #start(int)}, with the broker's log in a new folder under {@code parent} (a run's own
     * temporary folder, so that everything a run writes is in one place).
     */
    public static EmbeddedKafka start(int port, Path parent) throws Exception {
        long started = System.nanoTime();
        Path logDir = Files.createTempDirectory(Files.createDirectories(parent), "flowcast-kafka-");
        try {
            int brokerPort = port > 0 ? port : freePort();
            int controllerPort = freePort();
            Properties props = nodeProperties(logDir, brokerPort, controllerPort);
            format(logDir);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, "127.0.0.1:" + brokerPort, server);
            kafka.awaitGroupCoordinator();
            LOG.info("Kafka broker up at {} in {} ms", kafka.bootstrapServers,
                    (System.nanoTime() - started) / 1_000_000);
            return kafka;
        } catch (Exception | Error e) {
            deleteRecursively(logDir);
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the flowcast topics ({@code models} compacted) with the given partition count. */
    public void createTopics(TopicNames topics, int partitions) throws InterruptedException {
        TopicSetup.ensureTopics(bootstrapServers, topics, partitions, (short) 1);
    }

    /**
     * The group coordinator's topic is created on first use; until it is loaded, consumer groups get
     * COORDINATOR_NOT_AVAILABLE (Flink's source then logs a failed offset commit at the first
     * checkpoint). An offset lookup for any group creates it, and the admin client retries until the
     * coordinator answers.
     */
    private void awaitGroupCoordinator() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.listConsumerGroupOffsets("flowcast-embedded-kafka-ready").partitionsToOffsetAndMetadata().get();
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(logDir);
        }
        LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }

    private static Properties nodeProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic must make do with one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // The defaults (50 partitions each) cost seconds at the first group join / first transaction.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (TopicSetup); a typo in a topic name must not invent a topic.
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void format(Path logDir) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            FileUtils.deleteDirectory(dir.toFile()); // nothing to do if it is gone
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
