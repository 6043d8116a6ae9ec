package io.flowcast.model;

import io.flowcast.model.train.SequenceBatch;
import java.util.Arrays;

/**
 * The forward pass of a sequence batch with everything backpropagation needs kept (each step's
 * state, and each layer's gate buffers per series), and the backward pass that turns the gradient of
 * the head outputs into the gradient of every parameter. Arrays are reused while the shape stays.
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
    private float[][][][] gx;      // [T][L][B][gxSize]
    private float[][][][] gh;      // [T][L][B][G*H]
    private float[] headOut;       // [T x B x O]
    private float[] dNext;         // [B x S]
    private float[] dPrev;         // [B x S]
    private float[][] dgx;         // [B][G*H]
    private float[][] dgh;         // [B][G*H]
    private float[][] dInput;      // [B][max(input, H)]: gradient sent back through W_ih or W_hh

    /** Gradients of the row-shaped weights, per layer; folded into the flat gradient at the end. */
    private final float[][][] dInputColumns;
    private final float[][][] dHiddenColumns;
    private final float[][] dBiasIh;
    private final float[][] dBiasHh;

    public TrainingTape(RecurrentNet net) {
        this.net = net;
        this.config = net.config();
        this.layout = net.layout();
        this.cell = net.cell();
        int layers = config.numLayers();
        int gates = config.gateRows();
        this.dInputColumns = new float[layers][][];
        this.dHiddenColumns = new float[layers][][];
        this.dBiasIh = new float[layers][gates];
        this.dBiasHh = new float[layers][gates];
        for (int k = 0; k < layers; k++) {
            dInputColumns[k] = new float[config.layerInputSize(k)][gates];
            dHiddenColumns[k] = new float[config.hiddenSize()][gates];
        }
    }

    private void shape(int b, int t) {
        if (b == batch && t == steps) {
            return;
        }
        int s = config.stateSize();
        int layers = config.numLayers();
        states = new float[t + 1][b * s];
        gx = new float[t][layers][b][cell.gxSize(config.hiddenSize())];
        gh = new float[t][layers][b][config.gateRows()];
        headOut = new float[t * b * config.outputSize()];
        dNext = new float[b * s];
        dPrev = new float[b * s];
        dgx = new float[b][config.gateRows()];
        dgh = new float[b][config.gateRows()];
        dInput = new float[b][Math.max(config.inputSize(), config.hiddenSize())];
        batch = b;
        steps = t;
    }

    /** Runs the batch forward, keeping every step's state, gate buffers and head outputs. */
    public void forward(SequenceBatch sequences) {
        shape(sequences.batch(), sequences.steps());
        int in = config.inputSize();
        RecurrentNet.requireFinite(sequences.inputs(), 0, sequences.inputs().length);
        if (sequences.initialStates() != null) {
            System.arraycopy(sequences.initialStates(), 0, states[0], 0, states[0].length);
        } else {
            Arrays.fill(states[0], 0f);
        }
        int outRow = batch * config.outputSize();
        for (int t = 0; t < steps; t++) {
            net.advance(batch, sequences.inputs(), t * batch * in, in, states[t], states[t + 1], gx[t], gh[t]);
            net.head(batch, states[t + 1], headOut, t * outRow);
        }
    }

    /**
     * Backward from {@code headGrad} (d loss / d head output, [T x B x O]; only rows the batch
     * scores are read) to {@code grads}, which is overwritten.
     */
    public void backward(SequenceBatch sequences, float[] headGrad, float[] grads) {
        clearAccumulators(grads);
        float[] params = net.parameters();
        int s = config.stateSize();
        int hidden = config.hiddenSize();
        int gates = config.gateRows();
        int outputs = config.outputSize();
        int in = config.inputSize();
        int top = config.hiddenOffset(config.numLayers() - 1);
        int headW = layout.headWeight().offset();
        int headB = layout.headBias().offset();

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
                    int w = headW + o * hidden;
                    int h = b * s + top;
                    grads[headB + o] += dy;
                    for (int u = 0; u < hidden; u++) {
                        grads[w + u] += dy * next[h + u];
                        dNext[h + u] += dy * params[w + u];
                    }
                }
            }
            for (int k = config.numLayers() - 1; k >= 0; k--) {
                LayerWeights weights = net.layer(k);
                int off = config.hiddenOffset(k);
                int n = config.layerInputSize(k);
                for (int b = 0; b < batch; b++) {
                    cell.backward(hidden, gx[t][k][b], gh[t][k][b], prev, next, off + b * s,
                            dNext, dPrev, dgx[b], dgh[b]);
                    VectorMath.axpy(1f, dgx[b], dBiasIh[k], gates);
                    VectorMath.axpy(1f, dgh[b], dBiasHh[k], gates);
                }
                sendBack(dgh, weights.hiddenRows, hidden, dPrev, off);
                if (k > 0) {
                    sendBack(dgx, weights.inputRows, n, dNext, config.hiddenOffset(k - 1));
                }
                float[] x = k == 0 ? sequences.inputs() : next;
                int xOff = k == 0 ? t * batch * in : config.hiddenOffset(k - 1);
                int xStride = k == 0 ? in : s;
                VectorMath.addOuter(batch, x, xOff, xStride, dgx, dInputColumns[k], gates);
                VectorMath.addOuter(batch, prev, off, s, dgh, dHiddenColumns[k], gates);
            }
            float[] swap = dNext;
            dNext = dPrev;
            dPrev = swap;
        }
        foldLayerGradients(grads);
    }

    /** {@code dState[b][off..off+n) += dGates[b] . W}, for every series b. */
    private void sendBack(float[][] dGates, float[][] rows, int n, float[] dState, int off) {
        int s = config.stateSize();
        for (int b = 0; b < batch; b++) {
            Arrays.fill(dInput[b], 0, n, 0f);
            VectorMath.addVecMat(dGates[b], rows, dInput[b], n);
            VectorMath.addInto(dInput[b], dState, off + b * s, n);
        }
    }

    private void clearAccumulators(float[] grads) {
        Arrays.fill(grads, 0f);
        Arrays.fill(dNext, 0f);
        for (int k = 0; k < config.numLayers(); k++) {
            for (float[] row : dInputColumns[k]) {
                Arrays.fill(row, 0f);
            }
            for (float[] row : dHiddenColumns[k]) {
                Arrays.fill(row, 0f);
            }
            Arrays.fill(dBiasIh[k], 0f);
            Arrays.fill(dBiasHh[k], 0f);
        }
    }

    /** Writes the per-layer accumulators into the flat gradient, in PyTorch's layout. */
    private void foldLayerGradients(float[] grads) {
        int gates = config.gateRows();
        for (int k = 0; k < config.numLayers(); k++) {
            foldColumns(dInputColumns[k], grads, layout.weightIh(k).offset(), gates);
            foldColumns(dHiddenColumns[k], grads, layout.weightHh(k).offset(), gates);
            System.arraycopy(dBiasIh[k], 0, grads, layout.biasIh(k).offset(), gates);
            System.arraycopy(dBiasHh[k], 0, grads, layout.biasHh(k).offset(), gates);
        }
    }

    private static void foldColumns(float[][] columns, float[] grads, int offset, int rows) {
        int cols = columns.length;
        for (int j = 0; j < cols; j++) {
            float[] column = columns[j];
            for (int r = 0; r < rows; r++) {
                grads[offset + r * cols + j] = column[r];
            }
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
