package io.flowcast.jobs.live;

import io.flowcast.jobs.json.DeadLetterJson;
import io.flowcast.jobs.json.ForecastJson;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.ReadCommitted;
import io.flowcast.model.online.ServingModel;
import io.flowcast.model.online.ServingModelFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one run committed on {@code forecasts}, {@code models} and {@code dead-letters}, as a
 * {@code read_committed} consumer reads it, in forms that compare between runs: each forecast by
 * series and event time, as its JSON without the wall-clock {@code emittedAt}; each model record
 * without the fit's wall time; each dead letter as its JSON with the run's own topic name replaced.
 * Duplicates are kept (every list holds what was committed, as many times as it was).
 */
record CommittedOutputs(Map<String, TreeMap<Long, List<Published>>> forecasts, List<ModelRecord> models,
                        List<String> deadLetters, int forecastCount) {

    private static final Pattern EMITTED_AT = Pattern.compile(",\"emittedAt\":-?\\d+");
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** One committed forecast: the version it carries and its bytes without the wall clock. */
    record Published(long modelVersion, String json) {
    }

    static CommittedOutputs read(String bootstrap, TopicNames topics) throws Exception {
        Map<String, TreeMap<Long, List<Published>>> forecasts = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = ReadCommitted.readAll(bootstrap, topics.forecasts(), READ_TIMEOUT);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastJson.read(r.value());
            String json = EMITTED_AT.matcher(new String(r.value(), StandardCharsets.UTF_8)).replaceFirst("");
            forecasts.computeIfAbsent(f.key, k -> new TreeMap<>()).computeIfAbsent(f.eventTime, t -> new ArrayList<>())
                    .add(new Published(f.modelVersion, json));
        }
        List<ModelRecord> models = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ReadCommitted.readAll(bootstrap, topics.models(), READ_TIMEOUT)) {
            ServingModel m = ServingModelFormat.fromBytes(r.value());
            models.add(ModelRecord.of(m).withoutWallTime());
        }
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ReadCommitted.readAll(bootstrap, topics.deadLetters(), READ_TIMEOUT)) {
            DeadLetter d = DeadLetterJson.read(r.value());
            if (topics.observations().equals(d.topic)) {
                d.topic = "observations"; // each run has its own topics
            }
            deadLetters.add(new String(DeadLetterJson.write(d), StandardCharsets.UTF_8));
        }
        return new CommittedOutputs(forecasts, models, deadLetters, records.size());
    }

    /** Committed forecasts only (to wait for a run to finish). */
    static int countForecasts(String bootstrap, TopicNames topics) {
        return ReadCommitted.readAll(bootstrap, topics.forecasts(), READ_TIMEOUT).size();
    }

    /** Committed model records only. */
    static int countModels(String bootstrap, TopicNames topics) {
        return ReadCommitted.readAll(bootstrap, topics.models(), READ_TIMEOUT).size();
    }

    static int countDeadLetters(String bootstrap, TopicNames topics) {
        return ReadCommitted.readAll(bootstrap, topics.deadLetters(), READ_TIMEOUT).size();
    }

    /** Versions of the committed forecasts, by version. */
    Map<Long, Integer> forecastsByVersion() {
        Map<Long, Integer> n = new TreeMap<>();
        forecasts.values().forEach(byTime -> byTime.values().forEach(list -> list.forEach(
                p -> n.merge(p.modelVersion(), 1, Integer::sum))));
        return n;
    }
}
