package io.flowcast.jobs.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes forecast and error records as the job writes them (JSON, keyed by series) in one Kafka
 * transaction per batch, so a {@code read_committed} reader sees them, and builds their values.
 */
final class TopicRecords implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<byte[], byte[]> producer;
    private final List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();

    TopicRecords(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dashboard-test-" + UUID.randomUUID());
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    TopicRecords add(String topic, Map<String, Object> value) {
        batch.add(new ProducerRecord<>(topic, ((String) value.get("key")).getBytes(StandardCharsets.UTF_8), json(value)));
        return this;
    }

    /** Writes the batch in one transaction and waits for its commit. */
    void commit() {
        producer.beginTransaction();
        batch.forEach(producer::send);
        producer.commitTransaction();
        batch.clear();
    }

    @Override
    public void close() {
        producer.close();
    }

    static byte[] json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A forecasts record; {@code p10}/{@code p90} null leaves them out, as a model without quantile heads does. */
    static Map<String, Object> forecast(String key, long eventTime, long version, Double observed, double[] values,
            double[] p10, double[] p90) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("ts", Instant.ofEpochMilli(eventTime).toString());
        m.put("eventTime", eventTime);
        m.put("modelVersion", version);
        m.put("values", values);
        if (p10 != null) {
            m.put("p10", p10);
            m.put("p90", p90);
        }
        m.put("emittedAt", eventTime);
        m.put("observed", observed);
        return m;
    }

    /** A forecast-errors record at horizon h; {@code anomaly} non-null adds the horizon-1 anomaly fields. */
    static Map<String, Object> error(String key, long originTime, long targetTime, int h, double forecast, double actual,
            long version, double mae, double persistenceMae, Boolean anomaly) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("originTs", Instant.ofEpochMilli(originTime).toString());
        m.put("originTime", originTime);
        m.put("targetTs", Instant.ofEpochMilli(targetTime).toString());
        m.put("targetTime", targetTime);
        m.put("horizon", h);
        m.put("forecast", forecast);
        m.put("actual", actual);
        m.put("p10", null);
        m.put("p90", null);
        m.put("inside", null);
        m.put("modelVersion", version);
        m.put("persistence", actual);
        m.put("window", 10);
        m.put("mae", mae);
        m.put("rmse", mae * 1.2);
        m.put("persistenceMae", persistenceMae);
        m.put("persistenceRmse", persistenceMae * 1.2);
        if (anomaly != null) {
            m.put("anomaly", anomaly);
            m.put("anomalyScore", anomaly ? 3.5 : 0.0);
            m.put("anomalyLow", forecast - 2);
            m.put("anomalyHigh", forecast + 2);
        }
        return m;
    }
}
