package io.flowcast.jobs.kafka;

/**
 * Kafka did not answer, or refused the client, before a command could start: the message is one line
 * for the user, naming the servers and what to check.
 */
public final class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
