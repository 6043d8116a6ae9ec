package io.flowcast.jobs.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The execution environment every flowcast job graph is built on: generic types off, so a type that
 * would need Kryo fails the job at build time instead of being serialized slowly; object reuse on,
 * which the operators allow (they keep nothing of their inputs).
 */
public final class JobEnvironment {

    private JobEnvironment() {
    }

    /** The context environment (a local MiniCluster from the command line, the test cluster in tests). */
    public static StreamExecutionEnvironment create(int parallelism, Configuration extra) {
        StreamExecutionEnvironment env = create(extra);
        env.setParallelism(parallelism);
        return env;
    }

    /**
     * The context environment with its own default parallelism: on a Flink cluster that is the
     * cluster's configuration ({@code parallelism.default}, checkpoint storage, state backend...),
     * which {@code extra} adds to.
     */
    public static StreamExecutionEnvironment create(Configuration extra) {
        Configuration conf = jobDefaults();
        conf.addAll(extra);
        // Never Kryo, whatever extra says: a state type that needs it must fail here, not be written.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        // A test or context environment may not take the configuration at creation; apply it again.
        env.configure(conf);
        return env;
    }

    /**
     * The settings every flowcast job runs with, for an environment made elsewhere (run's local cluster
     * with its web UI): generic types off, object reuse on.
     */
    public static Configuration jobDefaults() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        return conf;
    }

    public static StreamExecutionEnvironment create(int parallelism) {
        return create(parallelism, new Configuration());
    }
}
