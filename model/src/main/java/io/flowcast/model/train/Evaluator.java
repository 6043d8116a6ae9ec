package io.flowcast.model.train;

import io.flowcast.model.RecurrentNet;
import java.util.Arrays;

/**
 * The mean loss of a net over samples, forward only, through the same batched step the online
 * forecaster runs. Buffers are kept for the full batch size and the last remainder size seen.
 */
final class Evaluator {

    private final RecurrentNet net;
    private final Loss loss;
    private final int batchSize;
    private Buffers full;
    private Buffers rest;

    private static final class Buffers {
        final int batch;
        final float[] states;
        final float[] inputs;
        final float[] outputs;
        final float[] grad;

        Buffers(int batch, RecurrentNet net) {
            this.batch = batch;
            this.states = new float[batch * net.config().stateSize()];
            this.inputs = new float[batch * net.config().inputSize()];
            this.outputs = new float[batch * net.config().outputSize()];
            this.grad = new float[outputs.length];
        }
    }

    Evaluator(RecurrentNet net, Loss loss, int batchSize) {
        this.net = net;
        this.loss = loss;
        this.batchSize = batchSize;
    }

    /** Mean loss over every present target of every sample; NaN if no target is present. */
    double meanLoss(WindowedSamples samples) {
        double sum = 0;
        long count = 0;
        for (int start = 0; start < samples.count(); start += batchSize) {
            Buffers buf = buffers(Math.min(batchSize, samples.count() - start));
            forward(samples, start, buf);
            int out = samples.outputSize();
            float[] targets = samples.targetArray();
            for (int b = 0; b < buf.batch; b++) {
                int row = (start + b) * out;
                sum += loss.rowLoss(buf.outputs, b * out, targets, row, out, buf.grad, b * out);
                for (int o = 0; o < out; o++) {
                    if (!Float.isNaN(targets[row + o])) {
                        count++;
                    }
                }
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private void forward(WindowedSamples samples, int start, Buffers buf) {
        Arrays.fill(buf.states, 0f);
        int steps = samples.steps();
        int in = samples.inputSize();
        float[] src = samples.inputArray();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < buf.batch; b++) {
                System.arraycopy(src, ((start + b) * steps + t) * in, buf.inputs, b * in, in);
            }
            net.stepBatch(buf.batch, buf.states, buf.inputs, buf.outputs);
        }
    }

    private Buffers buffers(int batch) {
        if (batch == batchSize) {
            if (full == null) {
                full = new Buffers(batch, net);
            }
            return full;
        }
        if (rest == null || rest.batch != batch) {
            rest = new Buffers(batch, net);
        }
        return rest;
    }
}
