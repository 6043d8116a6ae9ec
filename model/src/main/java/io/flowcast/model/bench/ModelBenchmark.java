package io.flowcast.model.bench;

import com.sun.management.ThreadMXBean;
import io.flowcast.model.CellType;
import io.flowcast.model.GateKernels;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.train.OptimizerKind;
import io.flowcast.model.train.Trainer;
import io.flowcast.model.train.TrainingConfig;
import io.flowcast.model.train.WindowedSamples;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * {@code bench model}: the model library's speed on one thread, one line per figure. Each figure is
 * the median of several timed runs after a warm-up; a comment line after it gives the spread.
 */
public final class ModelBenchmark {

    private static final int INPUT = 4;

    private final PrintStream out;
    private final double warmupSeconds;
    private final int runs;
    private final double runSeconds;

    public ModelBenchmark(PrintStream out, double warmupSeconds, int runs, double runSeconds) {
        this.out = out;
        this.warmupSeconds = warmupSeconds;
        this.runs = runs;
        this.runSeconds = runSeconds;
    }

    public void runAll() {
        out.println("# lstm kernel: " + GateKernels.describe(64));
        for (CellType cell : new CellType[] {CellType.LSTM, CellType.GRU, CellType.RNN_TANH}) {
            for (int hidden : new int[] {32, 64, 128}) {
                step(cell, hidden);
            }
        }
        batchedStep(CellType.LSTM, 64, 256);
        training(1);
        training(2);
        allocationPerStep(CellType.LSTM, 64);
    }

    /** Microseconds per single step of one series whose state lives outside the net. */
    void step(CellType cell, int hidden) {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(cell, INPUT, hidden, 1, 1), 42);
        float[] state = net.newState();
        float[] input = new float[INPUT];
        float[] output = new float[1];
        SplittableRandom random = new SplittableRandom(7);
        float[] series = randomInputs(random, 4096);
        Measurement.Result r = Measurement.time(units -> {
            double acc = 0;
            for (long i = 0; i < units; i++) {
                int at = (int) (i & 1023) * INPUT;
                System.arraycopy(series, at, input, 0, INPUT);
                net.step(state, input, output);
                acc += output[0];
            }
            return acc;
        }, warmupSeconds, runs, runSeconds);
        report(String.format("step %s H=%d %.2f us", name(cell), hidden, r.medianNanos() / 1e3), r, 1e3, "us");
    }

    /** Microseconds per series-step when {@code batch} series advance together. */
    void batchedStep(CellType cell, int hidden, int batch) {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(cell, INPUT, hidden, 1, 1), 42);
        float[] states = new float[batch * net.config().stateSize()];
        float[] inputs = randomInputs(new SplittableRandom(7), batch);
        float[] outputs = new float[batch];
        Measurement.Result r = Measurement.time(units -> {
            double acc = 0;
            long steps = Math.max(1, units / batch);
            for (long i = 0; i < steps; i++) {
                net.stepBatch(batch, states, inputs, outputs);
                acc += outputs[0];
            }
            return acc;
        }, warmupSeconds, runs, runSeconds);
        report(String.format("batched-step %s H=%d %.2f us", name(cell), hidden, r.medianNanos() / 1e3), r, 1e3, "us");
    }

    /**
     * Training sequences per second: LSTM H=64 + linear head to 1 output, sequences of 48 steps with
     * 4 inputs, batches of 32, MSE, Adam, gradient clipping: BPTT and the update, as a retrain runs.
     */
    void training(int layers) {
        int steps = 48;
        int count = 1024;
        SplittableRandom random = new SplittableRandom(13);
        float[] inputs = new float[count * steps * INPUT];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (float) random.nextGaussian();
        }
        float[] targets = new float[count];
        for (int i = 0; i < count; i++) {
            targets[i] = (float) random.nextGaussian();
        }
        WindowedSamples samples = new WindowedSamples(steps, INPUT, 1, inputs, targets);
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, INPUT, 64, layers, 1), 42);
        Trainer trainer = new Trainer(TrainingConfig.builder().epochs(1).batchSize(32).learningRate(1e-3)
                .optimizer(OptimizerKind.ADAM).clipNorm(1.0).validationFraction(0).build());
        // One unit of work is one epoch over the samples.
        Measurement.Result r = Measurement.time(epochs -> {
            double acc = 0;
            for (long e = 0; e < epochs; e++) {
                acc += trainer.fit(net, samples).finalTrainLoss();
            }
            return acc;
        }, Math.max(warmupSeconds, 3), runs, Math.max(runSeconds, 1));
        out.printf("train lstm H=64 L=%d %.0f seq/s%n", layers, count * r.perSecond());
        out.printf("#   median of %d runs x %d epochs of %d; fastest %.0f, slowest %.0f seq/s; %.0f seq per CPU-second%n",
                r.runs(), r.unitsPerRun(), count, count * 1e9 / r.minNanos(), count * 1e9 / r.maxNanos(),
                count * 1e9 / r.medianCpuNanos());
    }

    /** Bytes the JVM allocated on this thread per step call, measured by its allocation counter. */
    void allocationPerStep(CellType cell, int hidden) {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(cell, INPUT, hidden, 1, 1), 42);
        float[] state = net.newState();
        float[] input = {0.1f, -0.2f, 0.3f, 0.5f};
        float[] output = new float[1];
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 200_000; i++) {
            net.step(state, input, output); // warm up so the JIT's own work is not counted
        }
        int calls = 1_000_000;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
            net.step(state, input, output);
        }
        long after = threads.getThreadAllocatedBytes(thread);
        // The counter itself allocates a few bytes per read; over a million calls that rounds to 0.
        out.printf("alloc-per-step %s H=%d %d bytes%n", name(cell), hidden, Math.round((after - before) / (double) calls));
        out.printf("#   %d bytes over %d calls%n", after - before, calls);
    }

    private void report(String line, Measurement.Result r, double scale, String unit) {
        out.println(line);
        out.printf("#   median of %d runs x %d; fastest %.3f %s, slowest %.3f %s; CPU time %.3f %s%n",
                r.runs(), r.unitsPerRun(), r.minNanos() / scale, unit, r.maxNanos() / scale, unit,
                r.medianCpuNanos() / scale, unit);
    }

    private static float[] randomInputs(SplittableRandom random, int rows) {
        float[] x = new float[rows * INPUT];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static String name(CellType cell) {
        return cell == CellType.RNN_TANH ? "rnn" : cell.id();
    }
}
