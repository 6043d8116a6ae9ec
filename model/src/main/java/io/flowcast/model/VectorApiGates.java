package io.flowcast.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GatePreactivations} with the Vector API ({@code jdk.incubator.vector}), register-blocked as
 * a matrix-multiply micro-kernel: a tile of 4 series x 4 vectors of gate columns (16 accumulators,
 * 64 columns at 512 bits) stays in registers while the loop runs over all I+H weight rows. Per row it
 * loads 4 weight vectors and 4 broadcast inputs for 16 FMAs, where the auto-vectorised kernel
 * ({@link AutoVectorizedGates}) loads and stores its accumulator row every four FMAs. Measured here
 * (AVX-512, H=64, batch 256): 0.36 us per series against 0.75 for the matrix part of a step.
 *
 * <p>Only loaded when the module is in the boot layer ({@link GateKernels}); needs H to be a multiple
 * of the vector length so that a vector never straddles two gates.
 */
final class VectorApiGates implements GatePreactivations {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Below 256 bits (SSE, NEON) the plain loops do as well, and without C2 the API is slow. */
    private static final int MIN_BITS = 256;

    private final int hidden;
    private final int gateRows;
    /** [SERIES][I + H]: each series' input then previous hidden state, so one loop covers all rows. */
    private final float[] inputsThenHidden;
    private final int maxInputs;

    VectorApiGates(int hidden, int maxLayerInput) {
        if (!supports(hidden)) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + LANES);
        }
        this.hidden = hidden;
        this.gateRows = 4 * hidden;
        this.maxInputs = maxLayerInput + hidden;
        this.inputsThenHidden = new float[LstmChunk.SERIES * maxInputs];
    }

    /** False on CPUs whose vectors are narrower than 256 bits: then no hidden size is supported. */
    static boolean usable() {
        return SPECIES.vectorBitSize() >= MIN_BITS;
    }

    static boolean supports(int hidden) {
        return usable() && hidden % LANES == 0;
    }

    static int lanes() {
        return LANES;
    }

    static String describe() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit (" + LANES + " floats)";
    }

    @Override
    public void compute(LayerWeights w, int n, float[] x, int xOff, int xStride, float[] h, int hOff, int hStride,
                        float[][] planes) {
        int inputs = w.inputSize;
        int rows = inputs + hidden;
        float[] v = inputsThenHidden;
        for (int s = 0; s < n; s++) {
            System.arraycopy(x, xOff + s * xStride, v, s * rows, inputs);
            System.arraycopy(h, hOff + s * hStride, v, s * rows + inputs, hidden);
        }
        int block = 4 * LANES;
        int s = 0;
        for (; s + 3 < n; s += 4) {
            for (int c = 0; c < gateRows; c += block) {
                tile4x4(w.stackedColumns, w.biasSum, v, rows, s, c, planes);
            }
        }
        for (; s < n; s++) {
            for (int c = 0; c < gateRows; c += block) {
                tile1x4(w.stackedColumns, w.biasSum, v, rows, s, c, planes);
            }
        }
    }

    /**
     * Series s..s+3, gate columns c..c+4L: {@code acc = bias; acc = fma(W^T[k], v_s[k], acc)} for k in
     * row order, then stored into the planes. {@code wt} is W^T stacked, row k at {@code k*G}.
     */
    private void tile4x4(float[] wt, float[] bias, float[] v, int rows, int s, int c, float[][] planes) {
        int g = gateRows;
        FloatVector b0 = FloatVector.fromArray(SPECIES, bias, c);
        FloatVector b1 = FloatVector.fromArray(SPECIES, bias, c + LANES);
        FloatVector b2 = FloatVector.fromArray(SPECIES, bias, c + 2 * LANES);
        FloatVector b3 = FloatVector.fromArray(SPECIES, bias, c + 3 * LANES);
        FloatVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        FloatVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        FloatVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        FloatVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        int v0 = s * rows;
        int v1 = v0 + rows;
        int v2 = v1 + rows;
        int v3 = v2 + rows;
        for (int k = 0; k < rows; k++) {
            int at = k * g + c;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, at);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wt, at + LANES);
            FloatVector w2 = FloatVector.fromArray(SPECIES, wt, at + 2 * LANES);
            FloatVector w3 = FloatVector.fromArray(SPECIES, wt, at + 3 * LANES);
            FloatVector x0 = FloatVector.broadcast(SPECIES, v[v0 + k]);
            a00 = w0.fma(x0, a00);
            a01 = w1.fma(x0, a01);
            a02 = w2.fma(x0, a02);
            a03 = w3.fma(x0, a03);
            FloatVector x1 = FloatVector.broadcast(SPECIES, v[v1 + k]);
            a10 = w0.fma(x1, a10);
            a11 = w1.fma(x1, a11);
            a12 = w2.fma(x1, a12);
            a13 = w3.fma(x1, a13);
            FloatVector x2 = FloatVector.broadcast(SPECIES, v[v2 + k]);
            a20 = w0.fma(x2, a20);
            a21 = w1.fma(x2, a21);
            a22 = w2.fma(x2, a22);
            a23 = w3.fma(x2, a23);
            FloatVector x3 = FloatVector.broadcast(SPECIES, v[v3 + k]);
            a30 = w0.fma(x3, a30);
            a31 = w1.fma(x3, a31);
            a32 = w2.fma(x3, a32);
            a33 = w3.fma(x3, a33);
        }
        int hid = hidden;
        store(a00, a01, a02, a03, planes, s * hid, c);
        store(a10, a11, a12, a13, planes, (s + 1) * hid, c);
        store(a20, a21, a22, a23, planes, (s + 2) * hid, c);
        store(a30, a31, a32, a33, planes, (s + 3) * hid, c);
    }

    /** One series, gate columns c..c+4L: single steps and a chunk's last series. */
    private void tile1x4(float[] wt, float[] bias, float[] v, int rows, int s, int c, float[][] planes) {
        int g = gateRows;
        FloatVector a0 = FloatVector.fromArray(SPECIES, bias, c);
        FloatVector a1 = FloatVector.fromArray(SPECIES, bias, c + LANES);
        FloatVector a2 = FloatVector.fromArray(SPECIES, bias, c + 2 * LANES);
        FloatVector a3 = FloatVector.fromArray(SPECIES, bias, c + 3 * LANES);
        int v0 = s * rows;
        for (int k = 0; k < rows; k++) {
            int at = k * g + c;
            FloatVector x0 = FloatVector.broadcast(SPECIES, v[v0 + k]);
            a0 = FloatVector.fromArray(SPECIES, wt, at).fma(x0, a0);
            a1 = FloatVector.fromArray(SPECIES, wt, at + LANES).fma(x0, a1);
            a2 = FloatVector.fromArray(SPECIES, wt, at + 2 * LANES).fma(x0, a2);
            a3 = FloatVector.fromArray(SPECIES, wt, at + 3 * LANES).fma(x0, a3);
        }
        store(a0, a1, a2, a3, planes, s * hidden, c);
    }

    /** Gate column col goes to plane col / H at unit col % H; a vector never straddles two gates. */
    private void store(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[][] planes,
                       int seriesAt, int c) {
        int hid = hidden;
        int col = c;
        a0.intoArray(planes[col / hid], seriesAt + col % hid);
        col += LANES;
        a1.intoArray(planes[col / hid], seriesAt + col % hid);
        col += LANES;
        a2.intoArray(planes[col / hid], seriesAt + col % hid);
        col += LANES;
        a3.intoArray(planes[col / hid], seriesAt + col % hid);
    }
}
