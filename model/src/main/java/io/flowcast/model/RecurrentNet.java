package io.flowcast.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A stack of recurrent layers and a linear head: the network a forecaster runs one event at a time.
 *
 * <p>Parameters live in one flat array in PyTorch's layout ({@link ParameterLayout}), so a PyTorch
 * {@code state_dict} loads as is. The forward pass reads transposed copies of the weight matrices
 * ({@code W^T}, one contiguous row of G*H floats per input), so every inner loop is an axpy the JIT
 * vectorises; call {@link #parametersChanged()} after writing to {@link #parameters()}.
 *
 * <p>The recurrent state is not kept here: callers own it as a flat {@code float[config.stateSize()]}
 * per series (see {@link NetConfig}), which is what a keyed Flink operator stores per key.
 *
 * <p>Not thread-safe: it owns the scratch buffers of the step. Use {@link #copy()} per thread.
 */
public final class RecurrentNet {

    /** Series advanced together through all layers; see {@link #advance}. */
    private static final int BATCH_CHUNK = 16;

    private final NetConfig config;
    private final ParameterLayout layout;
    private final Cell cell;
    private final float[] params;
    private final LayerWeights[] layers;
    /** The LSTM kernel's scratch; null for the other cells, which run {@link #advanceLayer}. */
    private final LstmChunk lstm;
    private final int headWeightOffset;
    private final int headBiasOffset;

    /** Gate buffers of the step, one per series: [layer][series][gx/gh size]; every layer shares them. */
    private float[][][] gx;
    private float[][][] gh;
    private int capacity;

    /** A network with all parameters zero. */
    public RecurrentNet(NetConfig config) {
        this(config, new float[new ParameterLayout(config).size()]);
    }

    private RecurrentNet(NetConfig config, float[] params) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters for " + config
                    + ", got " + params.length);
        }
        this.cell = Cell.of(config.cell());
        this.params = params;
        this.layers = new LayerWeights[config.numLayers()];
        boolean stacked = config.cell() == CellType.LSTM && GateKernels.vectorApi(config.hiddenSize());
        for (int k = 0; k < layers.length; k++) {
            layers[k] = new LayerWeights(config.layerInputSize(k), config.hiddenSize(), config.gateRows(), stacked);
        }
        this.lstm = config.cell() == CellType.LSTM ? new LstmChunk(config.hiddenSize(),
                Math.max(config.inputSize(), config.hiddenSize())) : null;
        this.headWeightOffset = layout.headWeight().offset();
        this.headBiasOffset = layout.headBias().offset();
        ensureCapacity(1);
        parametersChanged();
    }

    /** A network with the given parameters (copied), in {@link ParameterLayout} order. */
    public static RecurrentNet withParameters(NetConfig config, float[] params) {
        return new RecurrentNet(config, params.clone());
    }

    /**
     * PyTorch's default initialisation: every parameter, the head's included, uniform in
     * ±1/sqrt(H). The same seed gives the same weights (not PyTorch's numbers: its generator differs).
     */
    public static RecurrentNet initialized(NetConfig config, long seed) {
        float[] p = new float[new ParameterLayout(config).size()];
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return new RecurrentNet(config, p);
    }

    public NetConfig config() {
        return config;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The live parameter array; after changing it, call {@link #parametersChanged()}. */
    public float[] parameters() {
        return params;
    }

    /** Copies {@code values} into the parameters and refreshes the derived forward layout. */
    public void setParameters(float[] values) {
        if (values.length != params.length) {
            throw new IllegalArgumentException("expected " + params.length + " parameters, got " + values.length);
        }
        System.arraycopy(values, 0, params, 0, params.length);
        parametersChanged();
    }

    /** Rebuilds the row-shaped weights the kernels read from the flat parameters. */
    public void parametersChanged() {
        for (int k = 0; k < layers.length; k++) {
            layers[k].load(params, layout, k);
        }
    }

    /** A fresh zero state for one series. */
    public float[] newState() {
        return new float[config.stateSize()];
    }

    /** An independent network with the same parameters, for another thread. */
    public RecurrentNet copy() {
        return withParameters(config, params);
    }

    /**
     * Advances one series by one input: updates {@code state} in place and writes the head's
     * outputs. Allocates nothing.
     *
     * @param state  the series' recurrent state, {@code config.stateSize()} floats, updated in place
     * @param input  {@code config.inputSize()} finite floats
     * @param output receives {@code config.outputSize()} floats
     * @throws IllegalArgumentException if an input is NaN or infinite (the state is left untouched)
     */
    public void step(float[] state, float[] input, float[] output) {
        checkLength("state", state, config.stateSize());
        checkLength("input", input, config.inputSize());
        checkLength("output", output, config.outputSize());
        requireFinite(input, 0, config.inputSize());
        advance(1, input, 0, config.inputSize(), state, state, null, null);
        head(1, state, output, 0);
    }

    /**
     * Advances {@code batch} series together by one input each. {@code states} is
     * [batch x stateSize], {@code inputs} [batch x inputSize], {@code outputs} [batch x outputSize].
     * Allocates only when the batch is larger than any before.
     */
    public void stepBatch(int batch, float[] states, float[] inputs, float[] outputs) {
        checkLength("states", states, batch * config.stateSize());
        checkLength("inputs", inputs, batch * config.inputSize());
        checkLength("outputs", outputs, batch * config.outputSize());
        requireFinite(inputs, 0, batch * config.inputSize());
        ensureCapacity(batch);
        advance(batch, inputs, 0, config.inputSize(), states, states, null, null);
        head(batch, states, outputs, 0);
    }

    /**
     * One step of every layer for a batch: reads states {@code prev}, writes {@code next} (may be the
     * same array). Inputs of series b are at {@code inOff + b * inStride}. Layer k of series b uses
     * the gate buffers {@code gxBuf[k][b]} and {@code ghBuf[k][b]}, which keep what backward needs;
     * null buffers (inference) mean nothing needs keeping.
     */
    void advance(int batch, float[] inputs, int inOff, int inStride, float[] prev, float[] next,
                 float[][][] gxBuf, float[][][] ghBuf) {
        // A chunk of series goes through every layer before the next chunk starts: the gate buffers
        // of a whole large batch would not stay in cache between the matrix pass and the cell pass.
        int chunk = lstm != null ? LstmChunk.SERIES : BATCH_CHUNK;
        int stride = config.stateSize();
        for (int from = 0; from < batch; from += chunk) {
            int to = Math.min(batch, from + chunk);
            for (int k = 0; k < layers.length; k++) {
                if (lstm != null) {
                    float[] x = k == 0 ? inputs : next;
                    int xOff = k == 0 ? inOff : config.hiddenOffset(k - 1);
                    int xStride = k == 0 ? inStride : stride;
                    lstm.forward(layers[k], from, to, x, xOff, xStride, prev, next, config.hiddenOffset(k), stride,
                            gxBuf == null ? null : gxBuf[k]);
                } else {
                    advanceLayer(k, from, to, inputs, inOff, inStride, prev, next,
                            gxBuf == null ? gx[k] : gxBuf[k], ghBuf == null ? gh[k] : ghBuf[k]);
                }
            }
        }
    }

    private void advanceLayer(int k, int from, int to, float[] inputs, int inOff, int inStride,
                              float[] prev, float[] next, float[][] gxBuf, float[][] ghBuf) {
        int stride = config.stateSize();
        int hidden = config.hiddenSize();
        int gates = config.gateRows();
        LayerWeights w = layers[k];
        float[] x = k == 0 ? inputs : next;
        int xOff = k == 0 ? inOff : config.hiddenOffset(k - 1);
        int xStride = k == 0 ? inStride : stride;
        int off = config.hiddenOffset(k);
        VectorMath.affine(from, to, x, xOff, xStride, w.inputColumns, w.biasIh, gxBuf, gates);
        VectorMath.affine(from, to, prev, off, stride, w.hiddenColumns, w.biasHh, ghBuf, gates);
        for (int b = from; b < to; b++) {
            cell.forward(hidden, gxBuf[b], ghBuf[b], prev, next, off + b * stride);
        }
    }

    /** The head on the top layer's h of each series: {@code out[b] = W h + bias}. */
    void head(int batch, float[] states, float[] out, int outOff) {
        int stride = config.stateSize();
        int hidden = config.hiddenSize();
        int outputs = config.outputSize();
        int top = config.hiddenOffset(config.numLayers() - 1);
        int w = headWeightOffset;
        int bias = headBiasOffset;
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outputs; o++) {
                out[outOff + b * outputs + o] = params[bias + o]
                        + VectorMath.dot8(params, w + o * hidden, states, b * stride + top, hidden);
            }
        }
    }

    Cell cell() {
        return cell;
    }

    LayerWeights layer(int k) {
        return layers[k];
    }

    void ensureCapacity(int batch) {
        if (batch > capacity) {
            float[][] gxShared = new float[batch][cell.gxSize(config.hiddenSize())];
            float[][] ghShared = new float[batch][config.gateRows()];
            gx = new float[layers.length][][];
            gh = new float[layers.length][][];
            for (int k = 0; k < layers.length; k++) {
                gx[k] = gxShared;
                gh[k] = ghShared;
            }
            capacity = batch;
        }
    }

    private static void checkLength(String what, float[] array, int expected) {
        if (array == null || array.length != expected) {
            throw new IllegalArgumentException(what + " must have " + expected + " floats, got "
                    + (array == null ? "null" : array.length));
        }
    }

    static void requireFinite(float[] values, int off, int n) {
        for (int i = 0; i < n; i++) {
            float v = values[off + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("input[" + i + "] is " + v
                        + ": inputs must be finite numbers (impute or drop missing values before the model)");
            }
        }
    }

    @Override
    public String toString() {
        return "RecurrentNet{" + config + ", parameters=" + params.length + "}";
    }

    /** Equal parameters, bit for bit, and equal configuration. */
    public boolean sameWeights(RecurrentNet other) {
        return config.equals(other.config) && Arrays.equals(params, other.params);
    }
}
