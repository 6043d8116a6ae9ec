package io.flowcast.model.features;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running a piece of code (HotSpot's per-thread counter). */
final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    static long bytesAllocatedBy(Runnable work) {
        long id = Thread.currentThread().getId();
        work.run(); // warm up: class loading and first-call allocations are not the code's per-call cost
        long before = THREADS.getThreadAllocatedBytes(id);
        work.run();
        return THREADS.getThreadAllocatedBytes(id) - before;
    }
}
