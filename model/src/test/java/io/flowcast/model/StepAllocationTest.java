package io.flowcast.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link RecurrentNet#step} promises to allocate nothing: a Flink operator calls it once per
 * event, so garbage there is garbage per event. Measured with the thread's allocation counter
 * over many calls, after a warm-up that pays for class loading.
 */
class StepAllocationTest {

    private static long allocated(Runnable r) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        r.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void stepAllocatesNothing() {
        for (CellType cell : CellType.values()) {
            RecurrentNet net = RecurrentNet.initialized(new NetConfig(cell, 2, 8, 2, 1), 1);
            float[] state = net.newState();
            float[] input = {0.5f, -0.5f};
            float[] out = new float[1];
            Runnable steps = () -> {
                for (int i = 0; i < 10_000; i++) {
                    net.step(state, input, out);
                }
            };
            allocated(steps);
            long bytes = allocated(steps);
            // A single 16-byte object per step would already be 160 KB.
            assertTrue(bytes < 4096, cell + ": 10000 steps allocated " + bytes + " bytes");
        }
    }

    /** H=64 runs the Vector API kernel in tests: its vectors must not be boxed once C2 compiled it. */
    @Test
    void lstmStepWithTheVectorKernelAllocatesNothing() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, 4, 64, 2, 1), 1);
        float[] state = net.newState();
        float[] input = {0.5f, -0.5f, 0.25f, 1f};
        float[] out = new float[1];
        Runnable steps = () -> {
            for (int i = 0; i < 10_000; i++) {
                net.step(state, input, out);
            }
        };
        // Until C2 has compiled the kernel every vector is boxed: the smallest of a few tries counts.
        long bytes = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 20 && bytes >= 4096; attempt++) {
            bytes = Math.min(bytes, allocated(steps));
        }
        assertTrue(bytes < 4096, GateKernels.describe(64) + ": 10000 steps allocated " + bytes + " bytes");
    }
}
