package io.flowcast.model;

import io.flowcast.model.train.SequenceBatch;
import java.util.Arrays;

/**
 * The forward pass of a sequence batch with everything backpropagation needs kept (one state array
 * and one saved-activation array per step), and the backward pass that turns the gradient of the
 * head outputs into the gradient of every parameter. Arrays are reused while the shape stays.
 *
 * <p>Backward runs time-major: at step t from the top layer down, so that the gradient a layer sends
 * to its input lands in the layer below before that layer is processed.
 */
public final class TrainingTape {

    private final RecurrentNet net;
    private final NetConfig config;
    private final ParameterLayout layout;
    private final Cell cell;

    private int batch = -1;
    private int steps = -1;
    private float[][] states;      // [T+1][B x S]
    private float[][] saved;       // [T][L x B x savedSize]
    private float[] headOut;       // [T x B x O]
    private float[] dNext;         // [B x S]
    private float[] dPrev;         // [B x S]
    private float[] dgx;           // [B x G*H]
    private float[] dgh;           // [B x G*H]
    private final float[][] dWeightIhT;
    private final float[][] dWeightHhT;

    public TrainingTape(RecurrentNet net) {
        this.net = net;
        this.config = net.config();
        this.layout = net.layout();
        this.cell = net.cell();
        this.dWeightIhT = new float[config.numLayers()][];
        this.dWeightHhT = new float[config.numLayers()][];
        for (int k = 0; k < config.numLayers(); k++) {
            dWeightIhT[k] = new float[layout.weightIh(k).size()];
            dWeightHhT[k] = new float[layout.weightHh(k).size()];
        }
    }

    private void shape(int b, int t) {
        if (b == batch && t == steps) {
            return;
        }
        int s = config.stateSize();
        states = new float[t + 1][b * s];
        saved = new float[t][config.numLayers() * b * cell.savedSize(config.hiddenSize())];
        headOut = new float[t * b * config.outputSize()];
        dNext = new float[b * s];
        dPrev = new float[b * s];
        dgx = new float[b * config.gateRows()];
        dgh = new float[b * config.gateRows()];
        batch = b;
        steps = t;
    }

    /** Runs the batch forward, keeping every step's state, saved activations and head outputs. */
    public void forward(SequenceBatch sequences) {
        shape(sequences.batch(), sequences.steps());
        int in = config.inputSize();
        RecurrentNet.requireFinite(sequences.inputs(), 0, sequences.inputs().length);
        if (sequences.initialStates() != null) {
            System.arraycopy(sequences.initialStates(), 0, states[0], 0, states[0].length);
        } else {
            Arrays.fill(states[0], 0f);
        }
        net.ensureCapacity(batch);
        int outRow = batch * config.outputSize();
        for (int t = 0; t < steps; t++) {
            net.advance(batch, sequences.inputs(), t * batch * in, in, states[t], states[t + 1], saved[t], 0);
            net.head(batch, states[t + 1], headOut, t * outRow);
        }
    }

    /**
     * Backward from {@code headGrad} (d loss / d head output, [T x B x O]; only rows the batch
     * scores are read) to {@code grads}, which is overwritten.
     */
    public void backward(SequenceBatch sequences, float[] headGrad, float[] grads) {
        Arrays.fill(grads, 0f);
        for (int k = 0; k < config.numLayers(); k++) {
            Arrays.fill(dWeightIhT[k], 0f);
            Arrays.fill(dWeightHhT[k], 0f);
        }
        Arrays.fill(dNext, 0f);
        float[] params = net.parameters();
        int s = config.stateSize();
        int hidden = config.hiddenSize();
        int gates = config.gateRows();
        int outputs = config.outputSize();
        int in = config.inputSize();
        int top = config.hiddenOffset(config.numLayers() - 1);
        int headW = layout.headWeight().offset();
        int headB = layout.headBias().offset();
        int savedSize = cell.savedSize(hidden);

        for (int t = steps - 1; t >= 0; t--) {
            float[] next = states[t + 1];
            float[] prev = states[t];
            for (int b = 0; b < batch; b++) {
                if (sequences.targetRow(t, b) < 0) {
                    continue;
                }
                int g = (t * batch + b) * outputs;
                for (int o = 0; o < outputs; o++) {
                    float dy = headGrad[g + o];
                    grads[headB + o] += dy;
                    VectorMath.axpy(dy, next, b * s + top, grads, headW + o * hidden, hidden);
                    VectorMath.axpy(dy, params, headW + o * hidden, dNext, b * s + top, hidden);
                }
            }
            for (int k = config.numLayers() - 1; k >= 0; k--) {
                int off = config.hiddenOffset(k);
                cell.backward(batch, hidden, saved[t], k * batch * savedSize, prev, next, off, s,
                        dNext, dPrev, dgx, dgh);
                float[] x = k == 0 ? sequences.inputs() : next;
                int xOff = k == 0 ? t * batch * in : config.hiddenOffset(k - 1);
                int xStride = k == 0 ? in : s;
                int n = config.layerInputSize(k);
                VectorMath.addOuterTransposed(batch, x, xOff, xStride, n, dgx, gates, dWeightIhT[k]);
                VectorMath.addOuterTransposed(batch, prev, off, s, hidden, dgh, gates, dWeightHhT[k]);
                int bIh = layout.biasIh(k).offset();
                int bHh = layout.biasHh(k).offset();
                for (int b = 0; b < batch; b++) {
                    VectorMath.axpy(1f, dgx, b * gates, grads, bIh, gates);
                    VectorMath.axpy(1f, dgh, b * gates, grads, bHh, gates);
                }
                VectorMath.addVecMat(batch, dgh, gates, params, layout.weightHh(k).offset(), hidden, dPrev, off, s);
                if (k > 0) {
                    VectorMath.addVecMat(batch, dgx, gates, params, layout.weightIh(k).offset(), n,
                            dNext, config.hiddenOffset(k - 1), s);
                }
            }
            float[] swap = dNext;
            dNext = dPrev;
            dPrev = swap;
        }
        for (int k = 0; k < config.numLayers(); k++) {
            VectorMath.addTransposed(dWeightIhT[k], gates, config.layerInputSize(k), grads, layout.weightIh(k).offset());
            VectorMath.addTransposed(dWeightHhT[k], gates, hidden, grads, layout.weightHh(k).offset());
        }
    }

    /** Head outputs of the last forward, [T x B x O]. */
    public float[] headOutputs() {
        return headOut;
    }

    /** The state after step t (t = 0: the initial state), [B x S]. */
    public float[] state(int t) {
        return states[t];
    }
}
