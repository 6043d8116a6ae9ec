package io.flowcast.jobs.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.forecast.ForecastFunction;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.SeriesStateSerializer;
import io.flowcast.jobs.kafka.KafkaConnectors;
import io.flowcast.jobs.kafka.KafkaSettings;
import io.flowcast.jobs.kafka.TopicNames;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.train.TrainerFunction;
import io.flowcast.jobs.train.TrainingPipeline;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.jobs.train.TrainingWindowSerializer;
import io.flowcast.model.online.ServingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No state and no model is ever read with Java deserialization or Kryo: what a checkpoint, a savepoint
 * or the {@code models} topic holds is read only by flowcast's own explicit serializers and formats.
 * <ul>
 *   <li>no class of the project (jobs and model) refers to {@code ObjectInputStream}, Kryo, or Flink's
 *       helpers that deserialize Java objects;</li>
 *   <li>the state descriptors of both keyed functions open with generic types off, where a type that
 *       needs Kryo fails instead of silently using it;</li>
 *   <li>the live job's graph, on the configuration {@code run} uses, has no Kryo serializer anywhere.</li>
 * </ul>
 */
class NoJavaDeserializationTest {

    /** Names in a class file's constant pool that mean it reads Java-serialized or Kryo bytes. */
    static final List<String> FORBIDDEN = List.of(
            "java/io/ObjectInputStream",
            "com/esotericsoftware/kryo",
            "org/apache/flink/api/java/typeutils/runtime/kryo",
            "org/apache/flink/util/SerializedValue",
            "deserializeObject");

    @TempDir
    Path temp;

    @Test
    void noClassOfTheProjectReadsJavaSerializedOrKryoBytes() throws Exception {
        Map<String, byte[]> classes = projectClasses();
        Map<String, List<String>> offenders = new TreeMap<>();
        List<String> serializers = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            List<String> found = forbiddenReferences(c.getValue());
            if (!found.isEmpty()) {
                offenders.put(c.getKey(), found);
            }
            Class<?> type = Class.forName(c.getKey(), false, getClass().getClassLoader());
            if (TypeSerializer.class.isAssignableFrom(type) || TypeSerializerSnapshot.class.isAssignableFrom(type)) {
                serializers.add(c.getKey());
            }
        }
        assertThat(offenders).isEmpty();
        // The scan saw the project: its serializers, and the model's format.
        assertThat(classes).containsKey(ServingModel.class.getName());
        assertThat(serializers).contains(SeriesStateSerializer.class.getName(), TrainingWindowSerializer.class.getName());
    }

    @Test
    void theScanWouldCatchAClassThatDeserializesJavaObjects() throws Exception {
        assertThat(forbiddenReferences(bytesOf(JavaDeserializingReader.class))).containsExactly("java/io/ObjectInputStream");
    }

    @Test
    void theForecastersAndTheTrainersStateOpenWithGenericTypesOff() throws Exception {
        ForecastSettings forecast = ForecastSettings.defaults().withModelNames(ModelNames.fixed("m"));
        TrainingSettings training = TrainingSettings.defaults(forecast.horizons(), ModelNames.fixed("m"));
        ForecastFunction forecaster = new ForecastFunction(forecast, List.of(), training);
        try (KeyedBroadcastOperatorTestHarness<String, ?, ?, ?> harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(forecaster, List.of(ForecastFunction.MODELS)),
                new ForecastPipeline.SeriesKey(), Types.STRING, 128, 1, 0)) {
            openWithoutGenericTypes(harness);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ?, ?> harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TrainerFunction(training)), new TrainingPipeline.ModelKey(), Types.STRING)) {
            openWithoutGenericTypes(harness);
        }
    }

    @Test
    void aStateDescriptorThatNeedsKryoFailsToOpenThere() {
        assertThatThrownBy(() -> {
            try (KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
                         new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new NeedsKryoState()),
                                 s -> s, Types.STRING)) {
                openWithoutGenericTypes(harness);
            }
        }).hasStackTraceContaining("Generic types have been disabled");
    }

    @Test
    void theLiveJobGraphOnRunsConfigurationHasNoKryoSerializer() throws Exception {
        RunCheckpoints checkpoints = RunCheckpoints.choose(null, Map.of(), temp);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                LiveRun.localClusterConfiguration(Map.of(), checkpoints, null, "127.0.0.1", 0));
        ForecastSettings forecast = ForecastSettings.defaults().withModelNames(ModelNames.fixed("m"));
        KafkaSettings kafka = new KafkaSettings("127.0.0.1:9092", TopicNames.defaults(), "g", "t", Duration.ofMinutes(1));
        ForecastJob.onKafka(kafka, new ForecastPipeline(forecast), ForecastJob.Settings.defaults())
                .withTraining(new TrainingPipeline(TrainingSettings.defaults(forecast.horizons(), ModelNames.fixed("m"))),
                        KafkaConnectors.modelSink(kafka))
                .addTo(env);
        List<String> serializers = new ArrayList<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            for (TypeSerializer<?> s : node.getTypeSerializersIn()) {
                serializers.add(s.getClass().getName());
            }
            if (node.getTypeSerializerOut() != null) {
                serializers.add(node.getTypeSerializerOut().getClass().getName());
            }
            if (node.getStateKeySerializer() != null) {
                serializers.add(node.getStateKeySerializer().getClass().getName());
            }
        }
        assertThat(serializers).isNotEmpty().noneMatch(n -> n.contains("Kryo") || n.contains("JavaSerializer"));
        checkpoints.close();
    }

    private static void openWithoutGenericTypes(AbstractStreamOperatorTestHarness<?> harness) throws Exception {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harness.setup();
        harness.open();
    }

    /** The names of {@link #FORBIDDEN} a class file refers to. */
    static List<String> forbiddenReferences(byte[] classFile) {
        String text = new String(classFile, StandardCharsets.ISO_8859_1);
        return FORBIDDEN.stream().filter(text::contains).toList();
    }

    /** Every class of the jobs and model modules' own output, by name. */
    private static Map<String, byte[]> projectClasses() throws IOException, URISyntaxException {
        Map<String, byte[]> classes = new TreeMap<>();
        for (Class<?> anchor : List.of(ForecastJob.class, ServingModel.class)) {
            Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            // A module's classes folder, or its jar when it comes from the local repository.
            try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
                    Stream<Path> files = Files.walk(jar == null ? location : jar.getPath("/"))) {
                Path root = jar == null ? location : jar.getPath("/");
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String relative = root.relativize(f).toString();
                    if (relative.startsWith("META-INF") || relative.endsWith("module-info.class")) {
                        continue;
                    }
                    classes.put(relative.substring(0, relative.length() - ".class".length()).replace('/', '.')
                            .replace('\\', '.'), Files.readAllBytes(f));
                }
            }
        }
        return classes;
    }

    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getPackageName().length() + 1)
                + ".class")) {
            return in.readAllBytes();
        }
    }

    /** What the scan must catch. */
    static final class JavaDeserializingReader {
        static Object read(InputStream in) throws IOException, ClassNotFoundException {
            return new ObjectInputStream(in).readObject();
        }
    }

    /** No public no-arg constructor: only Kryo could serialize it. */
    static final class NeedsKryo {
        final int value;

        NeedsKryo(int value) {
            this.value = value;
        }
    }

    static final class NeedsKryoState extends KeyedProcessFunction<String, String, String> {
        private transient ValueState<NeedsKryo> state;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("needs-kryo", TypeInformation.of(NeedsKryo.class)));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) {
        }
    }
}
