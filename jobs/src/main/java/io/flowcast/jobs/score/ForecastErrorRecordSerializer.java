package io.flowcast.jobs.score;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Forecast errors as JSON, keyed by series (one series' records in one partition, in order). The
 * record timestamp is left to the producer, as for forecasts (replayed event times would let
 * time-based retention delete the segments at once).
 */
public final class ForecastErrorRecordSerializer implements KafkaRecordSerializationSchema<ForecastError> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public ForecastErrorRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ForecastError e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, e.key().getBytes(StandardCharsets.UTF_8), ForecastErrorJson.write(e));
    }
}
