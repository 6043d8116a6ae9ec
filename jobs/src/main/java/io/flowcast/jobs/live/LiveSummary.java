package io.flowcast.jobs.live;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.KafkaClientConfig;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.score.ForecastError;
import io.flowcast.jobs.score.ForecastErrorJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches the job's output the way a downstream consumer would: a {@code read_committed} consumer
 * on {@code forecasts} and {@code dead-letters}, starting at their current end so only this run's
 * output counts. Keeps counts, dead letters by reason, and the newest forecast per series.
 * Not thread-safe: one thread polls and renders.
 */
public final class LiveSummary implements AutoCloseable {

    private static final int KEYS_SHOWN = 12;
    private static final int HORIZONS_SHOWN = 6;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicNames topics;
    private long forecasts;
    private long unreadable;
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private final Map<String, Forecast> latestByKey = new TreeMap<>();
    private final Map<Long, Long> forecastsByVersion = new TreeMap<>();
    /** Per model name, the versions seen on {@code models}, newest last. */
    private final Map<String, List<ServingModel>> modelsByName = new TreeMap<>();
    private long modelRecordsUnreadable;
    /** Per horizon: {model's absolute errors summed, persistence's, pairs}, over pairs that have both. */
    private final Map<Integer, double[]> errorsByHorizon = new TreeMap<>();
    private long errorRecords;
    private long anomalies;

    public LiveSummary(KafkaClientConfig kafka, TopicNames topics) {
        this.topics = topics;
        Properties props = kafka.consumer();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flowcast-summary");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.forecasts(), topics.deadLetters(), topics.models(), topics.forecastErrors())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, before the job writes anything.
        partitions.forEach(consumer::position);
    }

    /** Reads whatever committed output arrived, waiting at most {@code timeout}. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                if (r.topic().equals(topics.models())) {
                    noteModel(r);
                } else if (r.topic().equals(topics.forecastErrors())) {
                    noteError(ForecastErrorJson.read(r.value()));
                } else if (r.topic().equals(topics.forecasts())) {
                    Forecast f = ForecastJson.read(r.value());
                    forecasts++;
                    forecastsByVersion.merge(f.modelVersion, 1L, Long::sum);
                    latestByKey.merge(f.key, f, (old, neu) -> neu.eventTime >= old.eventTime ? neu : old);
                } else {
                    DeadLetter d = DeadLetterJson.read(r.value());
                    deadLettersByReason.merge(d.reason, 1L, Long::sum);
                }
            } catch (IOException | RuntimeException e) {
                // Someone else's record on our topic: count it, do not stop watching.
                unreadable++;
            }
        }
    }

    private void noteError(ForecastError e) {
        errorRecords++;
        if (e.anomaly() != null && e.anomaly().flagged()) {
            anomalies++;
        }
        if (!Float.isNaN(e.persistence())) {
            double[] sums = errorsByHorizon.computeIfAbsent(e.horizon(), h -> new double[3]);
            sums[0] += Math.abs(e.forecast() - e.actual());
            sums[1] += Math.abs(e.persistence() - e.actual());
            sums[2]++;
        }
    }

    private void noteModel(ConsumerRecord<byte[], byte[]> r) {
        try {
            ServingModel m = ServingModelFormat.fromBytes(r.value());
            modelsByName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
        } catch (ModelFormatException e) {
            modelRecordsUnreadable++; // the job rejects it too, and says why in its log
        }
    }

    /** Model versions seen on {@code models} since the summary started, all names. */
    public long modelsPublished() {
        return modelsByName.values().stream().mapToLong(List::size).sum();
    }

    /** Forecasts made with a model version above 0 (a trained model, not the baseline). */
    public long forecastsFromTrainedModels() {
        return forecastsByVersion.entrySet().stream().filter(e -> e.getKey() > 0).mapToLong(Map.Entry::getValue).sum();
    }

    public long forecasts() {
        return forecasts;
    }

    public long deadLetters() {
        return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The summary block printed every few seconds; {@code fed} below 0 when nothing is being fed. */
    public String render(Duration elapsed, long fed, String jobStatus) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "[%4ds] job %s | ", elapsed.toSeconds(), jobStatus));
        if (fed >= 0) {
            sb.append(String.format(Locale.ROOT, "fed %,d | ", fed));
        }
        sb.append(String.format(Locale.ROOT, "forecasts %,d | dead letters %,d%s", forecasts, deadLetters(), reasons()));
        if (fed >= 0) {
            sb.append(String.format(Locale.ROOT, " | awaiting commit %,d", Math.max(0, fed - forecasts - deadLetters())));
        }
        sb.append(System.lineSeparator());
        for (Map.Entry<String, List<ServingModel>> e : modelsByName.entrySet()) {
            ServingModel m = e.getValue().get(e.getValue().size() - 1);
            sb.append(String.format(Locale.ROOT, "        model %s: %d published, newest v%d (%s) trained up to %s on %,d windows,"
                            + " validation loss %.4g (baseline alone %.4g)%n", e.getKey(), e.getValue().size(), m.version(),
                    m.net() == null ? "baseline alone" : "net", Instant.ofEpochMilli(m.info().trainedUpTo()),
                    m.info().samples(), m.info().validationLoss(), m.info().baselineLoss()));
        }
        if (!forecastsByVersion.isEmpty()) {
            StringBuilder versions = new StringBuilder();
            forecastsByVersion.forEach((v, n) -> versions.append(versions.length() > 0 ? ", " : "").append('v').append(v)
                    .append(' ').append(String.format(Locale.ROOT, "%,d", n)));
            sb.append("        forecasts by model version: ").append(versions).append(System.lineSeparator());
        }
        if (errorRecords > 0) {
            sb.append(String.format(Locale.ROOT, "        scored %,d matured forecasts, %,d anomalies; MAE since start (persistence, ratio):",
                    errorRecords, anomalies));
            errorsByHorizon.forEach((h, sums) -> sb.append(String.format(Locale.ROOT, " h%d %.4g (%.4g, %.2f)", h,
                    sums[0] / sums[2], sums[1] / sums[2], sums[1] > 0 ? sums[0] / sums[1] : Double.NaN)));
            sb.append(System.lineSeparator());
        }
        if (modelRecordsUnreadable > 0) {
            sb.append(String.format(Locale.ROOT, "        %,d records on %s did not parse as models%n", modelRecordsUnreadable,
                    topics.models()));
        }
        if (unreadable > 0) {
            sb.append(String.format(Locale.ROOT, "        %,d records on the output topics were not flowcast JSON%n", unreadable));
        }
        int shown = 0;
        for (Forecast f : latestByKey.values()) {
            if (shown++ == KEYS_SHOWN) {
                sb.append(String.format(Locale.ROOT, "        ... and %d more series%n", latestByKey.size() - KEYS_SHOWN));
                break;
            }
            sb.append(String.format(Locale.ROOT, "        %-16s %s  v%-3d %s%n", f.key, Instant.ofEpochMilli(f.eventTime),
                    f.modelVersion, horizons(f.values)));
        }
        return sb.toString();
    }

    private String reasons() {
        if (deadLettersByReason.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" (");
        deadLettersByReason.forEach((reason, n) -> sb.append(sb.length() > 2 ? ", " : "").append(reason).append(' ').append(n));
        return sb.append(')').toString();
    }

    private static String horizons(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int h = 0; h < Math.min(values.length, HORIZONS_SHOWN); h++) {
            sb.append(String.format(Locale.ROOT, "h%d=%s ", h + 1, Float.isNaN(values[h]) ? "-" : String.format(Locale.ROOT, "%.1f", values[h])));
        }
        if (values.length > HORIZONS_SHOWN) {
            sb.append("... h").append(values.length).append('=')
                    .append(String.format(Locale.ROOT, "%.1f", values[values.length - 1]));
        }
        return sb.toString().trim();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
