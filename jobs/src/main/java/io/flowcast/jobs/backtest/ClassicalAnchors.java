package io.flowcast.jobs.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The classical forecasters' figures of {@code ../shared/anchors/results/*.json} (statsforecast's
 * AutoETS, AutoTheta, MSTL, River's Holt-Winters, seasonal naive, persistence; run online on the
 * same protocol as a backtest) set beside a backtest's own, where the backtest scored the same
 * series on the same range. A series is the same when its key is the anchor's series name or ends
 * with "/" and it, and it has as many events; the range is the same when the backtest skipped as
 * many events as the anchors did. One protocol (results file) is compared only when all its series
 * are there; figures are means of the per-series NRMSE, as both sides report them.
 */
public final class ClassicalAnchors {

    /** The anchors' model keys and the names a user knows them by. */
    private static final Map<String, String> MODEL_NAMES = Map.of("persistence", "persistence", "snaive",
            "seasonal naive", "ets", "AutoETS", "theta", "AutoTheta", "mstl", "MSTL", "hw", "Holt-Winters");

    /**
     * One results file.
     *
     * @param name   the file's name without {@code .json}
     * @param skip   events of each series left out of the scores
     * @param events events per series name
     * @param means  per horizon, per model key: the mean NRMSE over the series
     */
    public record Protocol(String name, int skip, Map<String, Long> events, Map<Integer, Map<String, Double>> means) {
    }

    /** One row of the comparison: a protocol at one horizon. */
    public record Row(String protocol, int horizon, double flowcast, Map<String, Double> classical) {

        /** The model with the lowest figure among the classical ones (persistence included). */
        public Map.Entry<String, Double> best() {
            return classical.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
        }
    }

    private ClassicalAnchors() {
    }

    /** Every {@code *.json} of {@code results}, by name; none if the folder does not exist. */
    public static List<Protocol> read(Path results) throws IOException {
        List<Protocol> protocols = new ArrayList<>();
        if (!Files.isDirectory(results)) {
            return protocols;
        }
        ObjectMapper mapper = new ObjectMapper();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                protocols.add(parse(file.getFileName().toString().replaceFirst("\\.json$", ""), mapper.readTree(file.toFile())));
            }
        }
        return protocols;
    }

    static Protocol parse(String name, JsonNode root) {
        Map<String, Long> events = new LinkedHashMap<>();
        int skip = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("series").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            events.put(s.getKey(), s.getValue().path("n").asLong());
            skip = s.getValue().path("skip").asInt();
        }
        Map<Integer, Map<String, Double>> means = new LinkedHashMap<>();
        for (JsonNode h : root.path("score_h")) {
            Map<String, Double> byModel = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("mean").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                JsonNode nrmse = m.getValue().path(h.asText()).path("nrmse");
                if (nrmse.isNumber()) {
                    byModel.put(m.getKey(), nrmse.asDouble());
                }
            }
            means.put(h.asInt(), byModel);
        }
        return new Protocol(name, skip, events, means);
    }

    /** The display name of an anchors' model key. */
    public static String displayName(String model) {
        return MODEL_NAMES.getOrDefault(model, model);
    }

    /**
     * The rows of every protocol whose series all are in {@code scores} with as many events as
     * {@code eventsByKey} says, and whose skip is {@code skip}; {@code notes} receives one line per
     * protocol whose series are there but whose range is not.
     */
    public static List<Row> compare(List<Protocol> protocols, BacktestScores scores, Map<String, Long> eventsByKey,
                                    int skip, List<String> notes) {
        List<Row> rows = new ArrayList<>();
        for (Protocol p : protocols) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (Map.Entry<String, Long> s : p.events().entrySet()) {
                for (Map.Entry<String, Long> k : eventsByKey.entrySet()) {
                    boolean named = k.getKey().equals(s.getKey()) || k.getKey().endsWith("/" + s.getKey());
                    if (named && k.getValue().equals(s.getValue())) {
                        keys.put(s.getKey(), k.getKey());
                    }
                }
            }
            if (keys.size() != p.events().size() || keys.isEmpty()) {
                continue;
            }
            if (p.skip() != skip) {
                notes.add(String.format(Locale.ROOT, "%s: scored there from event %d of each series, here from %d: run with"
                        + " --skip %d to compare", p.name(), p.skip(), skip, p.skip()));
                continue;
            }
            for (Map.Entry<Integer, Map<String, Double>> h : p.means().entrySet()) {
                double sum = 0;
                int n = 0;
                for (BacktestScores.Score s : scores.perKey()) {
                    if (s.horizon() == h.getKey() && keys.containsValue(s.key()) && !Double.isNaN(s.nrmse())) {
                        sum += s.nrmse();
                        n++;
                    }
                }
                if (n == keys.size() && !h.getValue().isEmpty()) {
                    rows.add(new Row(p.name(), h.getKey(), sum / n, h.getValue()));
                }
            }
        }
        return rows;
    }
}
