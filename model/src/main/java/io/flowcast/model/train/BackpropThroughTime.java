package io.flowcast.model.train;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.TrainingTape;

/**
 * Loss and exact gradient of every parameter of a {@link RecurrentNet} over a {@link SequenceBatch}:
 * full backpropagation through all steps, from the initial states. The loss is the mean over all
 * present targets. Buffers are kept between calls of the same shape.
 */
public final class BackpropThroughTime {

    private final RecurrentNet net;
    private final TrainingTape tape;
    private float[] lossGrad = new float[0];

    public BackpropThroughTime(RecurrentNet net) {
        this.net = net;
        this.tape = new TrainingTape(net);
    }

    /**
     * Runs forward and backward; overwrites {@code grads} (same layout as the parameters) with
     * d loss / d parameter and returns the loss. Returns NaN (and leaves grads undefined) when the
     * batch has no present target.
     */
    public double lossAndGradient(SequenceBatch batch, Loss loss, float[] grads) {
        NetConfig config = net.config();
        if (batch.inputSize() != config.inputSize() || batch.outputSize() != config.outputSize()) {
            throw new IllegalArgumentException("batch has " + batch.inputSize() + " inputs and "
                    + batch.outputSize() + " outputs; " + config + " needs " + config.inputSize()
                    + " and " + config.outputSize());
        }
        if (grads.length != net.parameters().length) {
            throw new IllegalArgumentException("grads must have " + net.parameters().length + " floats");
        }
        tape.forward(batch);
        int outputs = config.outputSize();
        int b = batch.batch();
        if (lossGrad.length < batch.steps() * b * outputs) {
            lossGrad = new float[batch.steps() * b * outputs];
        }
        double sum = 0;
        long count = 0;
        float[] headOut = tape.headOutputs();
        for (int t = 0; t < batch.steps(); t++) {
            for (int s = 0; s < b; s++) {
                int row = batch.targetRow(t, s);
                if (row < 0) {
                    continue;
                }
                int at = (t * b + s) * outputs;
                sum += loss.rowLoss(headOut, at, batch.targets(), row * outputs, outputs, lossGrad, at);
                for (int o = 0; o < outputs; o++) {
                    if (!Float.isNaN(batch.targets()[row * outputs + o])) {
                        count++;
                    }
                }
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        float scale = (float) (1.0 / count);
        for (int i = 0; i < batch.steps() * b * outputs; i++) {
            lossGrad[i] *= scale;
        }
        tape.backward(batch, lossGrad, grads);
        return sum / count;
    }

    /** Head outputs of the last forward, [T x B x outputSize]. */
    public float[] headOutputs() {
        return tape.headOutputs();
    }

    /** The state after step t (t = 0 is the initial state), [B x stateSize], of the last forward. */
    public float[] stateAfter(int t) {
        return tape.state(t);
    }
}
