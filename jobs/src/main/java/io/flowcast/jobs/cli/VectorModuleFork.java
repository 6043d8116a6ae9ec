package io.flowcast.jobs.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Benchmarks measure the JVM as the documented commands start it, with
 * {@code --add-modules jdk.incubator.vector} (the Vector API LSTM kernel). A jar cannot add a module
 * to its own JVM, so when the module is missing the benchmark runs in a forked JVM that has it, with
 * this JVM's options, as JMH forks its benchmarks. {@code --no-fork} measures this JVM as it is.
 */
final class VectorModuleFork {

    static final String MODULE = "jdk.incubator.vector";

    @Option(names = "--no-fork", description = "Measure in this JVM even without --add-modules " + MODULE
            + " (then the plain auto-vectorised LSTM kernel runs).")
    boolean noFork;

    /** True when the caller should fork instead of measuring here. */
    boolean wanted() {
        return !noFork && ModuleLayer.boot().findModule(MODULE).isEmpty();
    }

    /** Runs {@code flowcast <args>} in a JVM with the module and returns its exit code. */
    int run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("--add-modules");
        command.add(MODULE);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        System.out.println("# forked a JVM with --add-modules " + MODULE + " (--no-fork measures this one)");
        System.out.flush();
        Process child = new ProcessBuilder(command).inheritIO().start();
        Thread stopChild = new Thread(child::destroy, "stop-forked-benchmark");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try {
            return child.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        }
    }
}
