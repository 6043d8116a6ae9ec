package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-batch path allocates nothing: fitting 8 epochs allocates no more than fitting 2, give
 * or take a little noise, although each extra epoch runs 25 batches and one validation pass.
 * Measured until the JIT has compiled the hot path (the smallest of a few tries counts): until C2
 * compiles it, the Vector API kernel boxes every vector, megabytes per epoch.
 */
class TrainerAllocationTest {

    @Test
    void extraEpochsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        WindowedSamples samples = NoisySine.samples(1024, 24, 1, 5);
        TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(32).learningRate(1e-3)
                .validationFraction(0.2).patience(1000).seed(1).build();
        allocatedBy(threads, config, samples); // class loading and first-call costs
        List<Long> tries = new ArrayList<>();
        long perEpoch = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 8 && perEpoch >= 1024; attempt++) {
            long two = allocatedBy(threads, config, samples);
            long eight = allocatedBy(threads, config.toBuilder().epochs(8).build(), samples);
            tries.add((eight - two) / 6);
            perEpoch = Math.min(perEpoch, (eight - two) / 6);
        }
        // One batch's input buffer alone is 32 x 24 floats = 3 KB, so a per-batch allocation would
        // cost at least 75 KB per epoch, in every try.
        assertTrue(perEpoch < 1024, "bytes allocated per extra epoch, try by try: " + tries);
    }

    private static long allocatedBy(com.sun.management.ThreadMXBean threads, TrainingConfig config,
                                    WindowedSamples samples) {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, 1, 16, 1, 1), 3);
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        new Trainer(config).fit(net, samples);
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
