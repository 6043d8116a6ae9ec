package io.flowcast.jobs.cli;

import io.flowcast.jobs.kafka.KafkaClientConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Kafka client settings for every command that talks to Kafka ({@code run}, {@code feed}, {@code tail}
 * and the cluster job): security and any other client property, and how long to wait for Kafka's
 * first answer. The properties reach every client the command and its job create.
 */
public final class KafkaClientOptions {

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A Kafka client property for every client (the job's source and sinks, topic setup, feeder, "
                    + "tail), e.g. security.protocol=SASL_SSL (repeatable; wins over --kafka-properties).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "A Java properties file of Kafka client properties, as --kafka-property.")
    Path propertiesFile;

    @Option(names = "--kafka-timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long to wait for Kafka to answer at start (and for each topic request) before "
                    + "failing with exit code 1 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The file's properties, then the flags', which win; checked against the keys flowcast manages. */
    public Map<String, String> properties() {
        Map<String, String> all = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--kafka-properties " + propertiesFile + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("--kafka-properties " + propertiesFile + ": " + e.getMessage());
            }
            file.stringPropertyNames().forEach(k -> all.put(k, file.getProperty(k)));
        }
        all.putAll(properties);
        return KafkaClientConfig.checked(all);
    }

    public Duration timeout() {
        return timeout;
    }

    public KafkaClientConfig config(String bootstrapServers) {
        return new KafkaClientConfig(bootstrapServers, properties(), timeout);
    }
}
