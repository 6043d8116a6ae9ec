package io.flowcast.jobs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts what reaches the end of a benchmarked job and when: the wall clock at each subtask's first
 * record and at its end of input, as job accumulators. The rate is then taken over the span the
 * records flowed, without the job's start-up and deployment time. Chained to the keyed operator, it
 * also sums that task thread's CPU time over the same span (network input, state, the function's
 * work and the sink), a cost per event that neighbours on a shared machine do not inflate. Emits nothing.
 */
final class ThroughputProbe<T> extends ProcessFunction<T, Void> {

    private static final long serialVersionUID = 1L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String FIRST = "probe-first-ms";
    static final String LAST = "probe-last-ms";
    static final String COUNT = "probe-count";
    static final String CPU_NANOS = "probe-task-cpu-ns";

    private transient LongMinimum first;
    private transient LongMaximum last;
    private transient LongCounter count;
    private transient LongCounter cpuNanos;
    private transient long seen;
    private transient long cpuAtFirst;

    @Override
    public void open(OpenContext openContext) {
        first = new LongMinimum();
        last = new LongMaximum();
        count = new LongCounter();
        cpuNanos = new LongCounter();
        getRuntimeContext().addAccumulator(FIRST, first);
        getRuntimeContext().addAccumulator(CPU_NANOS, cpuNanos);
        getRuntimeContext().addAccumulator(LAST, last);
        getRuntimeContext().addAccumulator(COUNT, count);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<Void> out) {
        if (seen++ == 0) {
            first.add(System.currentTimeMillis());
            cpuAtFirst = THREADS.getCurrentThreadCpuTime();
        }
    }

    @Override
    public void close() {
        if (seen > 0) {
            last.add(System.currentTimeMillis());
            count.add(seen);
            cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpuAtFirst);
        }
    }
}
