package io.flowcast.model;

/**
 * PyTorch's GRU, gate rows r, z, n. The reset gate multiplies the hidden part of n after its
 * matrix product, bias included:
 * <pre>
 *   r = σ(gx_r + gh_r)   z = σ(gx_z + gh_z)   n = tanh(gx_n + r ⊙ gh_n)   h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * After forward, gx holds [r, z, n] and gh still holds gh_n.
 */
final class GruCell implements Cell {

    @Override
    public int gxSize(int hidden) {
        return 3 * hidden;
    }

    @Override
    public void forward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off) {
        int h = hidden;
        Activations.add(gx, gh, 0, 2 * h);
        Activations.sigmoid(gx, 0, 2 * h);
        for (int u = 0; u < h; u++) {
            gx[2 * h + u] += gx[u] * gh[2 * h + u];
        }
        Activations.tanh(gx, 2 * h, 3 * h);
        for (int u = 0; u < h; u++) {
            float z = gx[h + u];
            next[off + u] = (1f - z) * gx[2 * h + u] + z * prev[off + u];
        }
    }

    @Override
    public void backward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        int h = hidden;
        for (int u = 0; u < h; u++) {
            float r = gx[u];
            float z = gx[h + u];
            float n = gx[2 * h + u];
            float ghn = gh[2 * h + u];
            float dh = dNext[off + u];
            float dan = dh * (1f - z) * (1f - n * n);
            float dar = dan * ghn * r * (1f - r);
            float daz = dh * (prev[off + u] - n) * z * (1f - z);
            dgx[u] = dar;
            dgx[h + u] = daz;
            dgx[2 * h + u] = dan;
            dgh[u] = dar;
            dgh[h + u] = daz;
            dgh[2 * h + u] = dan * r;
            dPrev[off + u] = dh * z;
        }
    }
}
