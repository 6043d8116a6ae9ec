package io.flowcast.jobs.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard in {@code deploy/grafana}: the metric names its queries use. */
final class GrafanaDashboard {

    static final Path FILE = Path.of("..", "deploy", "grafana", "flowcast.json");
    /** A metric name in PromQL: Flink's reporter prefixes all of them with flink_. */
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    private GrafanaDashboard() {
    }

    /** Every metric name in a panel query ({@code expr}) or a variable query ({@code query}). */
    static Set<String> metricNames(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        collect(new ObjectMapper().readTree(dashboard.toFile()), names);
        return names;
    }

    private static void collect(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if ((field.getKey().equals("expr") || field.getKey().equals("query")) && field.getValue().isTextual()) {
                    Matcher m = METRIC.matcher(field.getValue().textValue());
                    while (m.find()) {
                        names.add(m.group());
                    }
                }
                collect(field.getValue(), names);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, names));
        }
    }
}
