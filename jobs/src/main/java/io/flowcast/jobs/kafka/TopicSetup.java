package io.flowcast.jobs.kafka;

import io.flowcast.jobs.models.ModelRecordLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates flowcast's topics through the AdminClient when they are missing; existing topics are left
 * as they are, so this is safe against a shared Kafka.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /** Fails with a message saying what to do when any of {@code names} does not exist. */
    public static void requireTopics(String bootstrapServers, List<String> names) throws InterruptedException {
        requireTopics(KafkaClientConfig.plain(bootstrapServers), names);
    }

    /**
     * Fails with a message saying what to do when any of {@code names} does not exist, or with a
     * {@link KafkaUnavailableException} when Kafka does not answer within the config's start timeout.
     */
    public static void requireTopics(KafkaClientConfig kafka, List<String> names) throws InterruptedException {
        try (Admin admin = connect(kafka)) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("no topic " + String.join(", ", missing) + " on " + kafka.bootstrapServers()
                        + ": create it first (`flowcast kafka` and `flowcast run --bootstrap-servers` create flowcast's topics)");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics on " + kafka.bootstrapServers(), e.getCause());
        }
    }

    /**
     * An admin client that has had an answer from the cluster. Without this wait an unreachable
     * address shows only as the first request timing out, after the client's default minute and with
     * a stack trace; here it is one line, after {@link KafkaClientConfig#startTimeout()}, naming the
     * servers and what to check.
     */
    static Admin connect(KafkaClientConfig kafka) throws InterruptedException {
        Admin admin;
        try {
            admin = Admin.create(kafka.admin());
        } catch (KafkaException e) {
            // A bootstrap address that does not resolve, a bad security setting: refused at creation.
            throw new KafkaUnavailableException("cannot create a Kafka client for " + kafka.bootstrapServers() + ": "
                    + rootMessage(e), e);
        }
        try {
            admin.describeCluster().nodes().get(kafka.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return admin;
        } catch (TimeoutException | ExecutionException e) {
            admin.close(Duration.ZERO);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (e instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new KafkaUnavailableException("no answer from Kafka at " + kafka.bootstrapServers() + " within "
                        + kafka.startTimeout().toSeconds() + " s (--kafka-timeout): check that a broker runs there and "
                        + "is reachable from this machine (address, port, firewall, its advertised.listeners), and that "
                        + "--kafka-property settings (security.protocol, sasl.*, ssl.*) match its listener", cause);
            }
            throw new KafkaUnavailableException("Kafka at " + kafka.bootstrapServers() + " refused the client: "
                    + rootMessage(cause) + " (check --kafka-property security.protocol, sasl.*, ssl.*)", cause);
        } catch (InterruptedException | RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /**
     * Ensures the five topics exist. {@code models} is compacted (only the newest model version per
     * key must survive, however long the job runs) and takes records up to
     * {@link ModelRecordLimits#MAX_RECORD_BYTES} (the broker's default is about 1 MiB). An existing
     * {@code models} topic that takes less is left as it is, with a warning saying how to raise it.
     */
    public static void ensureTopics(String bootstrapServers, TopicNames topics, int partitions, short replication)
            throws InterruptedException {
        ensureTopics(KafkaClientConfig.plain(bootstrapServers), topics, partitions, replication);
    }

    /** As above, with the user's client settings, and a {@link KafkaUnavailableException} when Kafka does not answer. */
    public static void ensureTopics(KafkaClientConfig kafka, TopicNames topics, int partitions, short replication)
            throws InterruptedException {
        String bootstrapServers = kafka.bootstrapServers();
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(new NewTopic(topics.observations(), partitions, replication));
        wanted.add(new NewTopic(topics.forecasts(), partitions, replication));
        wanted.add(new NewTopic(topics.deadLetters(), partitions, replication));
        wanted.add(new NewTopic(topics.forecastErrors(), partitions, replication));
        wanted.add(new NewTopic(topics.models(), 1, replication)
                .configs(modelsTopicConfig()));
        try (Admin admin = connect(kafka)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (existing.contains(topics.models())) {
                warnIfModelsTopicTooSmall(admin, topics.models());
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                // Another client may have created one in between: that is the state we want.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topics on " + bootstrapServers, e.getCause());
                }
            }
            awaitLeadersServing(admin, missing.stream().map(NewTopic::name).toList(), kafka.startTimeout());
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not set up topics on " + bootstrapServers, e.getCause());
        }
    }

    /** The {@code models} topic's settings: compacted, and records up to the largest model record. */
    static Map<String, String> modelsTopicConfig() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(ModelRecordLimits.MAX_RECORD_BYTES));
    }

    /**
     * A {@code models} topic made before (or by someone else) may take less than the trainer publishes:
     * its first large record would then fail the trainer's sink, and the job, on every restart. Not
     * changed here (a shared Kafka's topics are its owners'), but said at start.
     */
    private static void warnIfModelsTopicTooSmall(Admin admin, String topic) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null
                    && Long.parseLong(entry.value()) < ModelRecordLimits.MAX_RECORD_BYTES) {
                LOG.warn("topic {} takes records up to {} bytes, less than the {} a model record may take "
                        + "(ModelRecordLimits.MAX_RECORD_BYTES): a larger model would fail the trainer's sink. Raise it: "
                        + "kafka-configs.sh --bootstrap-server ... --alter --entity-type topics --entity-name {} "
                        + "--add-config max.message.bytes={}", topic, entry.value(), ModelRecordLimits.MAX_RECORD_BYTES,
                        topic, ModelRecordLimits.MAX_RECORD_BYTES);
            }
        } catch (ExecutionException | NumberFormatException e) {
            LOG.warn("could not read the max.message.bytes of topic {}: {}", topic, e.toString());
        }
    }

    /**
     * Returns once every partition's leader answers for it. createTopics completes when the controller
     * has recorded the topic, a moment before the leader has created its local log. An idempotent
     * producer writing in that moment can have a first request refused (NOT_LEADER_OR_FOLLOWER) and a
     * later one accepted, after which the refused one fails forever with OUT_OF_ORDER_SEQUENCE_NUMBER
     * until delivery.timeout.ms drops it (KAFKA-15591, seen here with Kafka 4.2.0). A ListOffsets
     * request is answered by the same local log, and the admin client retries it until it is.
     */
    private static void awaitLeadersServing(Admin admin, List<String> topics, Duration patience)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get().forEach((name, description) ->
                        description.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()),
                                OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                // The broker may not know a topic the controller has just created: describeTopics does
                // not retry that itself.
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
