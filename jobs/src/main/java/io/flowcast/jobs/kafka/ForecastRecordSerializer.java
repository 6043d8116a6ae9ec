package io.flowcast.jobs.kafka;

import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.records.Forecast;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Forecasts as JSON, keyed by series so that all forecasts of one series land in one partition, in
 * order. The Kafka record timestamp is left to the producer (now): event times of replayed history
 * (2013...) as record timestamps would let time-based retention delete the segments at once.
 */
public final class ForecastRecordSerializer implements KafkaRecordSerializationSchema<Forecast> {

    private static final long serialVersionUID = 1L;
    private final String topic;

    public ForecastRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Forecast forecast, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, forecast.key.getBytes(StandardCharsets.UTF_8), ForecastJson.write(forecast));
    }
}
