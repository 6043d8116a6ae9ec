package io.flowcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of deploy/k8s without Docker or a Kubernetes cluster: the FlinkDeployment
 * against the operator's own schema (strictly: unknown fields fail, as with kubectl's strict field
 * validation), its Flink settings against Flink's option keys, and that the image, the jar path, the
 * entry class and the job arguments fit the jar this module builds.
 */
class KubernetesManifestTest {

    /**
     * The Prometheus reporter's port ({@code metrics.reporter.<name>.port}): a parameter its factory
     * reads (a port, a range or a list), documented by Flink but declared in no option class.
     */
    static final ConfigOption<String> PROMETHEUS_PORT = ConfigOptions.key("port").stringType().noDefaultValue();
    private static final String REPORTER_PREFIX = "metrics.reporter.";
    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theFlinkDeploymentPassesTheOperatorsSchemaStrictly() throws IOException {
        JsonNode crd;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")) {
            crd = YAML.readTree(in);
        }
        JsonNode deployment = document("FlinkDeployment");
        assertThat(deployment.get("apiVersion").asText())
                .isEqualTo(crd.at("/spec/group").asText() + "/" + crd.at("/spec/versions/0/name").asText());
        assertThat(deployment.get("kind").asText()).isEqualTo(crd.at("/spec/names/kind").asText());
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        // The operator API on Maven Central as reachable here (1.10.0) predates Flink 2; the
        // operators that run Flink 2.2 add v2_2 to this enum and keep the rest of the schema.
        ((ArrayNode) schema.at("/properties/flinkVersion/enum")).add("v2_2");
        rejectUnknownFields(schema);
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                .getSchema(schema)
                .validate(deployment.get("spec"));
        assertThat(errors).isEmpty();
    }

    @Test
    void everyFlinkSettingIsAFlink22OptionKey() throws IOException {
        Set<String> known = optionKeys(CheckpointingOptions.class, StateBackendOptions.class, HighAvailabilityOptions.class,
                TaskManagerOptions.class, CoreOptions.class, RocksDBConfigurableOptions.class, MetricOptions.class);
        // metrics.reporter.<name>.<setting>: Flink's settings of every reporter (keys without the
        // metrics. prefix in MetricOptions, such as factory.class), and the Prometheus reporter's port.
        Set<String> reporterSettings = new HashSet<>();
        for (String key : optionKeys(MetricOptions.class)) {
            if (!key.startsWith("metrics.")) {
                reporterSettings.add(key);
            }
        }
        reporterSettings.add(PROMETHEUS_PORT.key());
        Iterator<String> keys = document("FlinkDeployment").at("/spec/flinkConfiguration").fieldNames();
        keys.forEachRemaining(key -> {
            if (key.startsWith(REPORTER_PREFIX)) {
                String setting = key.substring(key.indexOf('.', REPORTER_PREFIX.length()) + 1);
                assertThat(reporterSettings).as("a reporter setting: " + key).contains(setting);
            } else {
                assertThat(known).as("a Flink option key").contains(key);
            }
        });
    }

    /**
     * Every pod (JobManager and TaskManagers) runs Flink's Prometheus reporter on the port its
     * annotations point Prometheus at, and declares that port.
     */
    @Test
    void everyPodServesPrometheusMetricsWhereItsScrapeAnnotationsPoint() throws IOException {
        JsonNode deployment = document("FlinkDeployment");
        Map<String, String> settings = YAML.convertValue(deployment.at("/spec/flinkConfiguration"),
                new TypeReference<Map<String, String>>() { });
        Configuration reporter = MetricOptions.forReporter(Configuration.fromMap(settings), "prom");
        assertThat(reporter.get(MetricOptions.REPORTER_FACTORY_CLASS)).isEqualTo(PrometheusReporterFactory.class.getName());
        String port = reporter.getOptional(PROMETHEUS_PORT).orElseThrow(() -> new AssertionError("no reporter port"));
        assertThat(port).as("one port: a scrape annotation names one").matches("\\d+");
        JsonNode annotations = deployment.at("/spec/podTemplate/metadata/annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(port);
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(deployment.at("/spec/podTemplate/spec/containers/0/ports").findValuesAsText("containerPort"))
                .containsExactly(port);
    }

    private static Set<String> optionKeys(Class<?>... optionClasses) {
        Set<String> known = new HashSet<>();
        for (Class<?> options : optionClasses) {
            for (Field f : options.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                    ConfigOption<?> option = (ConfigOption<?>) get(f);
                    known.add(option.key());
                    option.fallbackKeys().forEach((FallbackKey k) -> known.add(k.getKey()));
                }
            }
        }
        return known;
    }

    /**
     * Keyed state grows with the number of series: RocksDB with incremental checkpoints, written to
     * files on the volume every JobManager and TaskManager mounts, or to object storage (never to the
     * JobManager's memory).
     * Read as Flink reads the settings, typed.
     */
    @Test
    void theClusterKeepsStateInRocksDbWithIncrementalCheckpointsOnTheSharedVolume() throws IOException {
        Map<String, String> settings = YAML.convertValue(document("FlinkDeployment").at("/spec/flinkConfiguration"),
                new TypeReference<Map<String, String>>() { });
        Configuration conf = Configuration.fromMap(settings);
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        String mount = document("FlinkDeployment").at("/spec/podTemplate/spec/containers/0/volumeMounts/0/mountPath").asText();
        assertThat(mount).isNotEmpty();
        for (ConfigOption<String> dir : List.of(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
            String value = conf.getOptional(dir).orElseThrow(() -> new AssertionError("no " + dir.key()));
            // A local file URI must be on the shared volume; object storage (s3://...) is the other choice.
            if (value.startsWith("file:")) {
                assertThat(value).as(dir.key()).startsWith("file://" + mount + "/");
            }
        }
    }

    @Test
    void theJobIsThisModulesJarWithArgumentsItsEntryClassAccepts() throws IOException {
        JsonNode job = document("FlinkDeployment").at("/spec/job");
        String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
        assertThat(dockerfile).contains("COPY --chown=flink:flink deploy/target/flowcast-cluster.jar /opt/flink/usrlib/flowcast-cluster.jar");
        assertThat(job.get("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/flowcast-cluster.jar");
        assertThat(job.get("entryClass").asText()).isEqualTo(ClusterJob.class.getName());
        String[] args = StreamSupport.stream(job.get("args").spliterator(), false).map(JsonNode::asText).toArray(String[]::new);
        assertThat(ClusterJob.parse(args).build().getParallelism()).isPositive();
        assertThat(job.get("upgradeMode").asText()).isEqualTo("savepoint");
    }

    @Test
    void theImageAndTheOperatorRunTheFlinkVersionTheJarIsBuiltAgainst() throws IOException {
        String version = EnvironmentInformation.getVersion();
        assertThat(Files.readString(K8S.resolve("Dockerfile"))).contains("FROM flink:" + version + "-java17");
        String[] majorMinor = version.split("\\.");
        assertThat(document("FlinkDeployment").at("/spec/flinkVersion").asText())
                .isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1]);
    }

    @Test
    void thePodsMountTheVolumeClaimTheManifestCreates() throws IOException {
        String claim = document("PersistentVolumeClaim").at("/metadata/name").asText();
        JsonNode volumes = document("FlinkDeployment").at("/spec/podTemplate/spec/volumes");
        assertThat(volumes.findValuesAsText("claimName")).containsExactly(claim);
    }

    private static JsonNode document(String kind) throws IOException {
        try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(K8S.resolve("flowcast.yaml").toFile())) {
            for (JsonNode doc : docs.readAll()) {
                if (doc.path("kind").asText().equals(kind)) {
                    return doc;
                }
            }
        }
        throw new AssertionError("no " + kind + " in k8s/flowcast.yaml");
    }

    /** Objects with declared properties accept nothing else, unless the schema keeps unknown fields on purpose. */
    private static void rejectUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
        }
        node.forEach(KubernetesManifestTest::rejectUnknownFields);
    }

    private static Object get(Field f) {
        try {
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
