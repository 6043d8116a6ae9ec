package io.flowcast.model;

/**
 * PyTorch's LSTM, gate rows i, f, g, o:
 * <pre>
 *   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)     (a = W_ih x + b_ih + W_hh h + b_hh)
 *   c' = f ⊙ c + i ⊙ g      h' = o ⊙ tanh(c')
 * </pre>
 * The activations run as whole-array passes (vectorised); only the short combining loops are scalar.
 * After forward, gx holds [i, f, g, o, tanh(c')].
 */
final class LstmCell implements Cell {

    @Override
    public int gxSize(int hidden) {
        return 5 * hidden;
    }

    @Override
    public void forward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off) {
        int h = hidden;
        Activations.add(gx, gh, 0, 4 * h);
        Activations.sigmoid(gx, 0, 2 * h);
        Activations.tanh(gx, 2 * h, 3 * h);
        Activations.sigmoid(gx, 3 * h, 4 * h);
        for (int u = 0; u < h; u++) {
            float c = gx[h + u] * prev[off + h + u] + gx[u] * gx[2 * h + u];
            next[off + h + u] = c;
            gx[4 * h + u] = c;
        }
        Activations.tanh(gx, 4 * h, 5 * h);
        for (int u = 0; u < h; u++) {
            next[off + u] = gx[3 * h + u] * gx[4 * h + u];
        }
    }

    @Override
    public void backward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        int h = hidden;
        for (int u = 0; u < h; u++) {
            float i = gx[u];
            float f = gx[h + u];
            float g = gx[2 * h + u];
            float o = gx[3 * h + u];
            float tc = gx[4 * h + u];
            float dh = dNext[off + u];
            float dc = dNext[off + h + u] + dh * o * (1f - tc * tc);
            dgx[u] = dc * g * i * (1f - i);
            dgx[h + u] = dc * prev[off + h + u] * f * (1f - f);
            dgx[2 * h + u] = dc * i * (1f - g * g);
            dgx[3 * h + u] = dh * tc * o * (1f - o);
            dPrev[off + u] = 0f;
            dPrev[off + h + u] = dc * f;
        }
        System.arraycopy(dgx, 0, dgh, 0, 4 * h);
    }
}
