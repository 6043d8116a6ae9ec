package io.flowcast.model;

/**
 * The matrix half of an LSTM step for a chunk of series: {@code b_ih + b_hh + W_ih x + W_hh h} for
 * every gate, written planar (gate q, unit u of chunk series s at {@code planes[q][s*H + u]}, gates in
 * PyTorch's order i, f, g, o) for {@link LstmChunk}'s element-wise pass.
 *
 * <p>Every implementation adds the terms in the same order, one fused multiply-add per term: the
 * summed bias, then input 0, 1, ..., then hidden unit 0, 1, .... So they all give the same bits, and a
 * series gets the same numbers alone, in a batch, or in training, whichever kernel runs.
 */
interface GatePreactivations {

    /**
     * Series s (0 &le; s &lt; n) reads its input at {@code x[xOff + s*xStride ..]} (w.inputSize floats)
     * and its previous hidden state at {@code h[hOff + s*hStride ..]} (H floats).
     */
    void compute(LayerWeights w, int n, float[] x, int xOff, int xStride, float[] h, int hOff, int hStride,
                 float[][] planes);
}
