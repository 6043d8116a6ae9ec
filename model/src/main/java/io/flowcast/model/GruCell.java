package io.flowcast.model;

import static io.flowcast.model.Activations.sigmoid;
import static io.flowcast.model.Activations.tanh;

/**
 * PyTorch's GRU, gate rows r, z, n. The reset gate multiplies the hidden part of n after its
 * matrix product, bias included:
 * <pre>
 *   r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r ⊙ gh_n)   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 */
final class GruCell implements Cell {

    @Override
    public int savedSize(int hidden) {
        return 4 * hidden; // r, z, n, gh_n
    }

    @Override
    public void forward(int batch, int hidden, float[] gx, float[] gh,
                        float[] prev, float[] next, int off, int stride, float[] saved, int savedOff) {
        int gates = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int a = b * gates;
            int p = off + b * stride;
            int s = savedOff + b * 4 * hidden;
            for (int u = 0; u < hidden; u++) {
                float r = sigmoid(gx[a + u] + gh[a + u]);
                float z = sigmoid(gx[a + hidden + u] + gh[a + hidden + u]);
                float ghn = gh[a + 2 * hidden + u];
                float n = tanh(gx[a + 2 * hidden + u] + r * ghn);
                next[p + u] = (1f - z) * n + z * prev[p + u];
                if (saved != null) {
                    saved[s + u] = r;
                    saved[s + hidden + u] = z;
                    saved[s + 2 * hidden + u] = n;
                    saved[s + 3 * hidden + u] = ghn;
                }
            }
        }
    }

    @Override
    public void backward(int batch, int hidden, float[] saved, int savedOff,
                         float[] prev, float[] next, int off, int stride,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        int gates = 3 * hidden;
        for (int b = 0; b < batch; b++) {
            int a = b * gates;
            int p = off + b * stride;
            int s = savedOff + b * 4 * hidden;
            for (int u = 0; u < hidden; u++) {
                float r = saved[s + u];
                float z = saved[s + hidden + u];
                float n = saved[s + 2 * hidden + u];
                float ghn = saved[s + 3 * hidden + u];
                float dh = dNext[p + u];
                float dan = dh * (1f - z) * (1f - n * n);
                float dar = dan * ghn * r * (1f - r);
                float daz = dh * (prev[p + u] - n) * z * (1f - z);
                dgx[a + u] = dar;
                dgx[a + hidden + u] = daz;
                dgx[a + 2 * hidden + u] = dan;
                dgh[a + u] = dar;
                dgh[a + hidden + u] = daz;
                dgh[a + 2 * hidden + u] = dan * r;
                dPrev[p + u] = dh * z;
            }
        }
    }
}
