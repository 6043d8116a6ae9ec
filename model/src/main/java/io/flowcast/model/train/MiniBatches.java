package io.flowcast.model.train;

import java.util.SplittableRandom;

/**
 * Shuffled, time-major mini-batches over a sample set, written into buffers allocated once: one
 * {@link SequenceBatch} of the full size and, when the count does not divide, one for the smaller
 * last batch (two fixed shapes, so the BPTT tapes never reshape).
 */
final class MiniBatches {

    private final WindowedSamples samples;
    private final int[] order;
    private final int size;
    private final SequenceBatch full;
    private final SequenceBatch last;
    private int presentTargets;

    MiniBatches(WindowedSamples samples, int batchSize) {
        if (samples.count() == 0) {
            throw new IllegalArgumentException("no samples to train on");
        }
        this.samples = samples;
        this.order = new int[samples.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.size = Math.min(batchSize, samples.count());
        this.full = allocate(size);
        int rest = samples.count() % size;
        this.last = rest == 0 ? full : allocate(rest);
    }

    private SequenceBatch allocate(int batch) {
        return new SequenceBatch(batch, samples.steps(), new float[samples.steps() * batch * samples.inputSize()],
                new float[batch * samples.outputSize()], false, null);
    }

    /** Sequences in a full batch. */
    int fullSize() {
        return size;
    }

    int batches() {
        return (order.length + size - 1) / size;
    }

    /** Fisher-Yates on the current order: a uniform permutation fixed by the generator's state. */
    void shuffle(SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    /** Writes batch {@code index} of the current order into its buffer and returns it. */
    SequenceBatch fill(int index) {
        int start = index * size;
        SequenceBatch batch = start + size <= order.length ? full : last;
        int b = batch.batch();
        int steps = samples.steps();
        int in = samples.inputSize();
        int out = samples.outputSize();
        float[] src = samples.inputArray();
        float[] dst = batch.inputs();
        float[] srcTargets = samples.targetArray();
        float[] dstTargets = batch.targets();
        int present = 0;
        for (int s = 0; s < b; s++) {
            int sample = order[start + s];
            for (int t = 0; t < steps; t++) {
                int from = (sample * steps + t) * in;
                int to = (t * b + s) * in;
                for (int i = 0; i < in; i++) {
                    dst[to + i] = src[from + i];
                }
            }
            for (int o = 0; o < out; o++) {
                float y = srcTargets[sample * out + o];
                dstTargets[s * out + o] = y;
                if (!Float.isNaN(y)) {
                    present++;
                }
            }
        }
        presentTargets = present;
        return batch;
    }

    /** Targets that are not missing in the batch last filled: its weight in an epoch mean. */
    int presentTargets() {
        return presentTargets;
    }
}
