package io.flowcast.model;

/**
 * The few dense kernels every cell uses. Each inner loop is an axpy over contiguous memory
 * ({@code y[i] += a * x[i]}): no reduction, no branch, so C2 turns it into SIMD code. Matrices that
 * feed the forward pass are kept transposed (see {@link RecurrentNet}) for exactly this reason.
 *
 * <p>Batched operands are row-major with an explicit row stride, so the same kernel reads inputs
 * from a packed [batch x n] array or from a layer's slice of a [batch x stateSize] state array.
 */
final class VectorMath {

    /** Rows of the batch processed together, so each weight row is reused while it is in L1. */
    private static final int BATCH_BLOCK = 8;

    private VectorMath() {
    }

    /** {@code y[yOff..yOff+n) += a * x[xOff..xOff+n)}. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** Dot product with four independent accumulators (the order differs from a naive loop). */
    static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * For each row b of the batch: {@code out[b] = bias + x[b] . W^T}, where W (cols x n) is given
     * transposed as {@code wT} (n x cols) and {@code out} is packed [batch x cols].
     */
    static void affineTransposed(int batch, float[] x, int xOff, int xStride, int n,
                                 float[] wT, float[] bias, int biasOff, float[] out, int cols) {
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias, biasOff, out, b * cols, cols);
        }
        for (int b0 = 0; b0 < batch; b0 += BATCH_BLOCK) {
            int b1 = Math.min(batch, b0 + BATCH_BLOCK);
            for (int j = 0; j < n; j++) {
                int row = j * cols;
                for (int b = b0; b < b1; b++) {
                    axpy(x[xOff + b * xStride + j], wT, row, out, b * cols, cols);
                }
            }
        }
    }

    /**
     * Gradient of a weight kept transposed: {@code dWT[j][:] += sum_b x[b][j] * g[b][:]}, with
     * g packed [batch x cols].
     */
    static void addOuterTransposed(int batch, float[] x, int xOff, int xStride, int n,
                                   float[] g, int cols, float[] dWT) {
        for (int b = 0; b < batch; b++) {
            int xb = xOff + b * xStride;
            int gb = b * cols;
            for (int j = 0; j < n; j++) {
                axpy(x[xb + j], g, gb, dWT, j * cols, cols);
            }
        }
    }

    /**
     * Back through a weight W (rows x n, row-major at {@code wOff}): {@code dx[b] += g[b] . W},
     * with g packed [batch x rows].
     */
    static void addVecMat(int batch, float[] g, int rows, float[] w, int wOff, int n,
                          float[] dx, int dxOff, int dxStride) {
        for (int b = 0; b < batch; b++) {
            int gb = b * rows;
            int db = dxOff + b * dxStride;
            for (int r = 0; r < rows; r++) {
                float a = g[gb + r];
                if (a != 0f) {
                    axpy(a, w, wOff + r * n, dx, db, n);
                }
            }
        }
    }

    /** {@code dst[j*rows + i] = src[srcOff + i*cols + j]}: a row-major (rows x cols) matrix transposed. */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows; i++) {
            int s = srcOff + i * cols;
            for (int j = 0; j < cols; j++) {
                dst[j * rows + i] = src[s + j];
            }
        }
    }

    /** {@code dst[dstOff + i*cols + j] += src[j*rows + i]}: adds a transposed (cols x rows) matrix back. */
    static void addTransposed(float[] src, int rows, int cols, float[] dst, int dstOff) {
        for (int i = 0; i < rows; i++) {
            int d = dstOff + i * cols;
            for (int j = 0; j < cols; j++) {
                dst[d + j] += src[j * rows + i];
            }
        }
    }
}
