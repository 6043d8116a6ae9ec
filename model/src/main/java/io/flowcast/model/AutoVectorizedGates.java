package io.flowcast.model;

/**
 * {@link GatePreactivations} in plain loops that C2 auto-vectorises: one offset-0 row of G·H
 * pre-activations per series, four weight rows per pass as a chain of {@code Math.fma}
 * ({@link VectorMath#gateRows4}), then copied into the gate planes. Runs wherever the Vector API
 * kernel ({@link VectorApiGates}) cannot: the module not added, or H not a multiple of its width.
 *
 * <p>Each 4-row pass loads and stores the accumulator row once per four FMAs: that, and loads split
 * across cache lines (the collector places arrays at any 8-byte boundary), keep it at about 0.7 us
 * per series-step at H=64, where the register-blocked Vector API kernel takes about 0.35 us.
 */
final class AutoVectorizedGates implements GatePreactivations {

    private final int hidden;
    private final int gateRows;
    /** [SERIES][G*H]: gate pre-activations of each series of the chunk. */
    private final float[][] acc;

    AutoVectorizedGates(int hidden) {
        this.hidden = hidden;
        this.gateRows = 4 * hidden;
        this.acc = new float[LstmChunk.SERIES][gateRows];
    }

    @Override
    public void compute(LayerWeights w, int n, float[] x, int xOff, int xStride, float[] h, int hOff, int hStride,
                        float[][] planes) {
        startFromBias(n, w.biasSum, w.inputColumns, x, xOff, xStride);
        matrixPass(n, w.inputColumns, x, xOff, xStride, 4);
        matrixPass(n, w.hiddenColumns, h, hOff, hStride, 0);
        int hid = hidden;
        for (int s = 0; s < n; s++) {
            float[] a = acc[s];
            int p = s * hid;
            for (int q = 0; q < 4; q++) {
                System.arraycopy(a, q * hid, planes[q], p, hid);
            }
        }
    }

    /** {@code acc[s] = bias + (the first four rows of W_ih) x_s}; with fewer inputs, just the bias. */
    private void startFromBias(int n, float[] bias, float[][] rows, float[] v, int vOff, int vStride) {
        int g = gateRows;
        if (rows.length < 4) {
            for (int s = 0; s < n; s++) {
                System.arraycopy(bias, 0, acc[s], 0, g);
            }
            return;
        }
        float[] r0 = rows[0];
        float[] r1 = rows[1];
        float[] r2 = rows[2];
        float[] r3 = rows[3];
        for (int s = 0; s < n; s++) {
            int at = vOff + s * vStride;
            if (n == 1) {
                VectorMath.gateRows4FromSingle(bias, v[at], r0, v[at + 1], r1, v[at + 2], r2, v[at + 3], r3, acc[s], g);
            } else {
                VectorMath.gateRows4From(bias, v[at], r0, v[at + 1], r1, v[at + 2], r2, v[at + 3], r3, acc[s], g);
            }
        }
    }

    /**
     * {@code acc[s] += sum_{j >= first} v_s[j] * rows[j]} where chunk series s reads
     * {@code v[vOff + s*vStride + j]}; {@code first} is 4 when {@link #startFromBias} did rows 0-3.
     */
    private void matrixPass(int n, float[][] rows, float[] v, int vOff, int vStride, int first) {
        int m = rows.length;
        int g = gateRows;
        int j = m < 4 ? 0 : first;
        for (; j + 3 < m; j += 4) {
            float[] r0 = rows[j];
            float[] r1 = rows[j + 1];
            float[] r2 = rows[j + 2];
            float[] r3 = rows[j + 3];
            if (n == 1) {
                int at = vOff + j;
                VectorMath.gateRows4Single(v[at], r0, v[at + 1], r1, v[at + 2], r2, v[at + 3], r3, acc[0], g);
                continue;
            }
            for (int s = 0; s < n; s++) {
                int at = vOff + s * vStride + j;
                VectorMath.gateRows4(v[at], r0, v[at + 1], r1, v[at + 2], r2, v[at + 3], r3, acc[s], g);
            }
        }
        for (; j < m; j++) {
            float[] r = rows[j];
            if (n == 1) {
                VectorMath.gateRowSingle(v[vOff + j], r, acc[0], g);
                continue;
            }
            for (int s = 0; s < n; s++) {
                VectorMath.gateRow(v[vOff + s * vStride + j], r, acc[s], g);
            }
        }
    }
}
