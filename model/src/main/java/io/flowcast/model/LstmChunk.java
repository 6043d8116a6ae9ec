package io.flowcast.model;

/**
 * One LSTM layer's step for a chunk of up to {@link #SERIES} series: the kernel every LSTM step runs,
 * single ({@code step}), batched ({@code stepBatch}) and in training, so all three give the same
 * numbers for a series.
 *
 * <p>Two layouts, each chosen for what vectorises:
 * <ol>
 *   <li>the matrix pass ({@link GatePreactivations}; which kernel runs is {@link GateKernels}'s choice)
 *       writes {@code b_ih + b_hh + W_ih x + W_hh h} straight into planar arrays, one per gate;</li>
 *   <li>the element-wise pass runs on those planar arrays: unit u of chunk series s is at
 *       {@code s*H + u} in every one of them, so each loop reads and writes all its arrays at the same
 *       index over chunk·H elements (1024 for 16 series at H=64) instead of several 64-long loops per
 *       series whose scalar pre- and post-loops dominated.</li>
 * </ol>
 *
 * <p>Not thread-safe: scratch of one {@link RecurrentNet}.
 */
final class LstmChunk {

    /** Series per chunk: enough that each 4-row block of W_hh is reused from L1, small enough that
     * the chunk's rows and planar arrays (about 44 KB at H=64) stay in L1/L2. */
    static final int SERIES = 16;

    private final int hidden;
    private final GatePreactivations gates;
    /** Planar [SERIES*H]: the four gates (activated in place), c (in: previous, out: next),
     * tanh(c') and the next h. */
    private final float[] in;
    private final float[] forget;
    private final float[] cand;
    private final float[] out;
    private final float[] cell;
    private final float[] tanhCell;
    private final float[] h;
    /** The four gate planes in PyTorch's order, as the matrix pass writes them. */
    private final float[][] planes;

    /** With the kernel {@link GateKernels} picks for this JVM; layers read at most maxLayerInput inputs. */
    LstmChunk(int hidden, int maxLayerInput) {
        this(hidden, GateKernels.forLstm(hidden, maxLayerInput));
    }

    LstmChunk(int hidden, GatePreactivations gates) {
        this.hidden = hidden;
        this.gates = gates;
        int n = SERIES * hidden;
        this.in = new float[n];
        this.forget = new float[n];
        this.cand = new float[n];
        this.out = new float[n];
        this.cell = new float[n];
        this.tanhCell = new float[n];
        this.h = new float[n];
        this.planes = new float[][] {in, forget, cand, out};
    }

    /**
     * Advances series [from, to) (at most {@link #SERIES}) through one layer. Series b's input is
     * {@code x[xOff + b*xStride ..]} (w.inputSize floats); its layer state (h then c) is at
     * {@code off + b*stride} in {@code prev} (read) and {@code next} (written; may be prev). When
     * {@code gxOut} is not null, {@code gxOut[b]} receives [i, f, g, o, tanh(c')] for backward.
     */
    void forward(LayerWeights w, int from, int to, float[] x, int xOff, int xStride,
                 float[] prev, float[] next, int off, int stride, float[][] gxOut) {
        int n = to - from;
        int hid = hidden;
        gates.compute(w, n, x, xOff + from * xStride, xStride, prev, off + from * stride, stride, planes);
        for (int s = 0; s < n; s++) {
            System.arraycopy(prev, off + (from + s) * stride + hid, cell, s * hid, hid);
        }
        elementwise(n * hid, n == 1);
        for (int s = 0; s < n; s++) {
            int p = s * hid;
            int at = off + (from + s) * stride;
            System.arraycopy(h, p, next, at, hid);
            System.arraycopy(cell, p, next, at + hid, hid);
        }
        if (gxOut != null) {
            for (int s = 0; s < n; s++) {
                float[] gx = gxOut[from + s];
                int p = s * hid;
                System.arraycopy(in, p, gx, 0, hid);
                System.arraycopy(forget, p, gx, hid, hid);
                System.arraycopy(cand, p, gx, 2 * hid, hid);
                System.arraycopy(out, p, gx, 3 * hid, hid);
                System.arraycopy(tanhCell, p, gx, 4 * hid, hid);
            }
        }
    }

    /**
     * The LSTM equations over {@code len} planar elements, every array read at the same index.
     * Two copies of the same loops, for a reason outside the language: C2 sizes each loop's
     * unrolling, and so its vector width, from the trip counts profiled at that bytecode. Loops that
     * have seen single steps (len = H = 64) were compiled 4 floats wide, and a chunk's 1024-long
     * loops then ran 2.7x slower in the same JVM. So single steps (and GRU/RNN, via
     * {@link Activations}) keep their loops and chunks have their own.
     */
    private void elementwise(int len, boolean single) {
        if (single) {
            Activations.sigmoid(in, 0, len);
            Activations.sigmoid(forget, 0, len);
            Activations.tanh(cand, 0, len);
            Activations.sigmoid(out, 0, len);
            updateCellSingle(len);
            Activations.tanh(tanhCell, 0, len);
            hiddenSingle(len);
        } else {
            sigmoidChunk(in, len);
            sigmoidChunk(forget, len);
            tanhChunk(cand, len);
            sigmoidChunk(out, len);
            updateCellChunk(len);
            tanhChunk(tanhCell, len);
            hiddenChunk(len);
        }
    }

    private static void sigmoidChunk(float[] a, int len) {
        for (int u = 0; u < len; u++) {
            a[u] = Activations.sigmoid(a[u]);
        }
    }

    private static void tanhChunk(float[] a, int len) {
        for (int u = 0; u < len; u++) {
            a[u] = Activations.tanh(a[u]);
        }
    }

    /** c' = f ⊙ c + i ⊙ g into {@code cell}, and a copy into {@code tanhCell} for the tanh pass. */
    private void updateCellChunk(int len) {
        float[] i = in;
        float[] f = forget;
        float[] g = cand;
        float[] c = cell;
        float[] t = tanhCell;
        for (int u = 0; u < len; u++) {
            float cu = f[u] * c[u] + i[u] * g[u];
            c[u] = cu;
            t[u] = cu;
        }
    }

    private void updateCellSingle(int len) {
        float[] i = in;
        float[] f = forget;
        float[] g = cand;
        float[] c = cell;
        float[] t = tanhCell;
        for (int u = 0; u < len; u++) {
            float cu = f[u] * c[u] + i[u] * g[u];
            c[u] = cu;
            t[u] = cu;
        }
    }

    /** h' = o ⊙ tanh(c'). */
    private void hiddenChunk(int len) {
        float[] o = out;
        float[] t = tanhCell;
        float[] hn = h;
        for (int u = 0; u < len; u++) {
            hn[u] = o[u] * t[u];
        }
    }

    private void hiddenSingle(int len) {
        float[] o = out;
        float[] t = tanhCell;
        float[] hn = h;
        for (int u = 0; u < len; u++) {
            hn[u] = o[u] * t[u];
        }
    }
}
