package io.flowcast.jobs.testing;

import io.flowcast.jobs.kafka.EmbeddedKafka;
import io.flowcast.jobs.kafka.TopicNames;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Kafka broker for a test class: started before its first test, stopped after its last.
 * <pre>{@code @RegisterExtension static final InProcessKafka kafka = new InProcessKafka();}</pre>
 */
public final class InProcessKafka implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    public void createTopics(TopicNames topics, int partitions) throws InterruptedException {
        running().createTopics(topics, partitions);
    }

    private EmbeddedKafka running() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only while the test class does (register the extension static)");
        }
        return broker;
    }
}
