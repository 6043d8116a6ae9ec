package io.flowcast.model;

/**
 * The dense kernels every cell uses. Each inner loop is an axpy ({@code y[i] += a * x[i]}) whose
 * two arrays both start at index 0: C2 vectorises such a loop, but not one whose arrays are read at
 * two different offsets (it cannot rule out that they overlap). That is why weights are kept as
 * arrays of rows (see {@link LayerWeights}) and each series has its own gate buffer.
 */
final class VectorMath {

    /** Series processed together, so each weight row is reused while it is in L1. */
    private static final int BATCH_BLOCK = 8;

    private VectorMath() {
    }

    /** {@code y[0..n) += a * x[0..n)}. */
    static void axpy(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a * x[i];
        }
    }

    /**
     * {@code y[0..n) += a0 x0 + a1 x1 + a2 x2 + a3 x3}: four rows per pass over y halve the loads
     * and stores of y, the bottleneck of a plain axpy (2.3x faster here).
     */
    static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                      float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    /**
     * {@code y[0..n) = fma(a3, x3, fma(a2, x2, fma(a1, x1, fma(a0, x0, y))))}: the forward matrix
     * pass ({@link LstmChunk}). Fused multiply-adds halve the arithmetic of {@link #axpy4} and round
     * once per term. Only that pass calls it, with n = G*H: C2 sizes a loop's unrolling (and so its
     * vector width) from the trip counts it has seen, and a kernel shared with short loops
     * (backward's {@code n = inputSize}) was compiled 4 floats wide instead of 16.
     */
    static void gateRows4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                          float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a3, x3[i], Math.fma(a2, x2[i], Math.fma(a1, x1[i], Math.fma(a0, x0[i], y[i]))));
        }
    }

    /**
     * {@code y[0..n) = fma(a3, x3, fma(a2, x2, fma(a1, x1, fma(a0, x0, b))))}: the first four rows
     * of the forward matrix pass start from the bias instead of a copy of it (one pass fewer).
     */
    static void gateRows4From(float[] b, float a0, float[] x0, float a1, float[] x1, float a2, float[] x2,
                              float a3, float[] x3, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a3, x3[i], Math.fma(a2, x2[i], Math.fma(a1, x1[i], Math.fma(a0, x0[i], b[i]))));
        }
    }

    /** {@code y[0..n) = fma(a, x, y)}: the leftover rows of the forward matrix pass. */
    static void gateRow(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a, x[i], y[i]);
        }
    }

    // The same three kernels for single steps (LstmChunk with one series): identical code, separate
    // bytecode, so that single steps of every H do not shape how C2 compiles the chunks' loops
    // (measured: batched-step 1.15-1.31 us after all the single-step figures, 1.08-1.16 with these).

    /** {@link #gateRows4} for single steps. */
    static void gateRows4Single(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3,
                                float[] x3, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a3, x3[i], Math.fma(a2, x2[i], Math.fma(a1, x1[i], Math.fma(a0, x0[i], y[i]))));
        }
    }

    /** {@link #gateRows4From} for single steps. */
    static void gateRows4FromSingle(float[] b, float a0, float[] x0, float a1, float[] x1, float a2,
                                    float[] x2, float a3, float[] x3, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a3, x3[i], Math.fma(a2, x2[i], Math.fma(a1, x1[i], Math.fma(a0, x0[i], b[i]))));
        }
    }

    /** {@link #gateRow} for single steps. */
    static void gateRowSingle(float a, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.fma(a, x[i], y[i]);
        }
    }

    /**
     * Dot product for the head, eight fused multiply-add accumulators: the sum is a latency chain,
     * and eight chains keep the FMA units busy where four left them waiting (the order differs
     * from a naive loop).
     */
    static float dot8(float[] x, int xOff, float[] y, int yOff, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            int a = xOff + i;
            int b = yOff + i;
            s0 = Math.fma(x[a], y[b], s0);
            s1 = Math.fma(x[a + 1], y[b + 1], s1);
            s2 = Math.fma(x[a + 2], y[b + 2], s2);
            s3 = Math.fma(x[a + 3], y[b + 3], s3);
            s4 = Math.fma(x[a + 4], y[b + 4], s4);
            s5 = Math.fma(x[a + 5], y[b + 5], s5);
            s6 = Math.fma(x[a + 6], y[b + 6], s6);
            s7 = Math.fma(x[a + 7], y[b + 7], s7);
        }
        for (; i < n; i++) {
            s0 = Math.fma(x[xOff + i], y[yOff + i], s0);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /**
     * For each series b in [from, to): {@code out[b][0..cols) = bias + sum_j x_b[j] * rows[j]}, where
     * series b's input is {@code x[xOff + b * xStride ..]} (n floats) and {@code rows} is W
     * transposed (n rows of cols floats).
     */
    static void affine(int from, int to, float[] x, int xOff, int xStride, float[][] rows, float[] bias,
                       float[][] out, int cols) {
        int n = rows.length;
        for (int b = from; b < to; b++) {
            System.arraycopy(bias, 0, out[b], 0, cols);
        }
        for (int b0 = from; b0 < to; b0 += BATCH_BLOCK) {
            int b1 = Math.min(to, b0 + BATCH_BLOCK);
            int j = 0;
            for (; j + 3 < n; j += 4) {
                float[] r0 = rows[j];
                float[] r1 = rows[j + 1];
                float[] r2 = rows[j + 2];
                float[] r3 = rows[j + 3];
                for (int b = b0; b < b1; b++) {
                    int at = xOff + b * xStride + j;
                    axpy4(x[at], r0, x[at + 1], r1, x[at + 2], r2, x[at + 3], r3, out[b], cols);
                }
            }
            for (; j < n; j++) {
                float[] row = rows[j];
                for (int b = b0; b < b1; b++) {
                    axpy(x[xOff + b * xStride + j], row, out[b], cols);
                }
            }
        }
    }

    /**
     * Gradient of a weight kept as transposed rows: {@code dRows[j] += sum_b x_b[j] * g[b]}, where
     * series b's input is {@code x[xOff + b * xStride ..]}.
     */
    static void addOuter(int batch, float[] x, int xOff, int xStride, float[][] g, float[][] dRows, int cols) {
        int n = dRows.length;
        int b = 0;
        for (; b + 3 < batch; b += 4) {
            int x0 = xOff + b * xStride;
            int x1 = x0 + xStride;
            int x2 = x1 + xStride;
            int x3 = x2 + xStride;
            for (int j = 0; j < n; j++) {
                axpy4(x[x0 + j], g[b], x[x1 + j], g[b + 1], x[x2 + j], g[b + 2], x[x3 + j], g[b + 3], dRows[j], cols);
            }
        }
        for (; b < batch; b++) {
            int xb = xOff + b * xStride;
            for (int j = 0; j < n; j++) {
                axpy(x[xb + j], g[b], dRows[j], cols);
            }
        }
    }

    /** Back through W (given as its rows): {@code dx[0..n) += sum_r g[r] * rows[r]}. */
    static void addVecMat(float[] g, float[][] rows, float[] dx, int n) {
        int r = 0;
        for (; r + 3 < rows.length; r += 4) {
            axpy4(g[r], rows[r], g[r + 1], rows[r + 1], g[r + 2], rows[r + 2], g[r + 3], rows[r + 3], dx, n);
        }
        for (; r < rows.length; r++) {
            axpy(g[r], rows[r], dx, n);
        }
    }

    /** {@code y[yOff..yOff+n) += x[0..n)}: a scalar loop, for short vectors at an offset. */
    static void addInto(float[] x, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[i];
        }
    }
}
