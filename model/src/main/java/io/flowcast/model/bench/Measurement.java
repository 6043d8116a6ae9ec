package io.flowcast.model.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A careful timing of one operation: warm-up until the JIT has settled, then several timed runs;
 * the figure is the median run, with the fastest and slowest runs as the spread.
 */
final class Measurement {

    /** Something timed in units of work (steps, series-steps, sequences). */
    interface Workload {
        /** Does {@code units} units of work and returns a value that depends on all of it. */
        double run(long units);
    }

    /**
     * Median and spread of per-unit wall times, in nanoseconds, and the median per-unit CPU time of
     * this thread (on a busy machine wall time also measures the neighbours; CPU time does not).
     */
    record Result(double medianNanos, double minNanos, double maxNanos, double medianCpuNanos, int runs,
                  long unitsPerRun) {
        double perSecond() {
            return 1e9 / medianNanos;
        }
    }

    /** Sink for results so the JIT cannot drop the work. */
    private static volatile double blackhole;

    private Measurement() {
    }

    static Result time(Workload workload, double warmupSeconds, int runs, double runSeconds) {
        long units = calibrate(workload, warmupSeconds);
        long perRun = Math.max(1, (long) (units * runSeconds / warmupSeconds));
        double[] nanosPerUnit = new double[runs];
        double[] cpuNanosPerUnit = new double[runs];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < runs; r++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            blackhole += workload.run(perRun);
            nanosPerUnit[r] = (double) (System.nanoTime() - start) / perRun;
            cpuNanosPerUnit[r] = (double) (threads.getCurrentThreadCpuTime() - cpu) / perRun;
        }
        Arrays.sort(nanosPerUnit);
        Arrays.sort(cpuNanosPerUnit);
        return new Result(nanosPerUnit[runs / 2], nanosPerUnit[0], nanosPerUnit[runs - 1], cpuNanosPerUnit[runs / 2],
                runs, perRun);
    }

    /** Runs for about {@code seconds}, growing the batch; returns how many units fit in that time. */
    private static long calibrate(Workload workload, double seconds) {
        long units = 1;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long done = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < deadline) {
            blackhole += workload.run(units);
            done += units;
            units = Math.min(units * 2, 1 << 20);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return Math.max(1, (long) (done * seconds / elapsed));
    }
}
