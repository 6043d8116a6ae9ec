package io.flowcast.model;

import static io.flowcast.model.Activations.sigmoid;
import static io.flowcast.model.Activations.tanh;

/**
 * PyTorch's LSTM, gate rows i, f, g, o:
 * <pre>
 *   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)     (a = W_ih x + b_ih + W_hh h + b_hh)
 *   c' = f ⊙ c + i ⊙ g      h' = o ⊙ tanh(c')
 * </pre>
 */
final class LstmCell implements Cell {

    @Override
    public int savedSize(int hidden) {
        return 5 * hidden; // i, f, g, o, tanh(c')
    }

    @Override
    public void forward(int batch, int hidden, float[] gx, float[] gh,
                        float[] prev, float[] next, int off, int stride, float[] saved, int savedOff) {
        int gates = 4 * hidden;
        for (int b = 0; b < batch; b++) {
            int a = b * gates;
            int p = off + b * stride;
            int s = savedOff + b * 5 * hidden;
            for (int u = 0; u < hidden; u++) {
                float i = sigmoid(gx[a + u] + gh[a + u]);
                float f = sigmoid(gx[a + hidden + u] + gh[a + hidden + u]);
                float g = tanh(gx[a + 2 * hidden + u] + gh[a + 2 * hidden + u]);
                float o = sigmoid(gx[a + 3 * hidden + u] + gh[a + 3 * hidden + u]);
                float c = f * prev[p + hidden + u] + i * g;
                float tc = tanh(c);
                next[p + hidden + u] = c;
                next[p + u] = o * tc;
                if (saved != null) {
                    saved[s + u] = i;
                    saved[s + hidden + u] = f;
                    saved[s + 2 * hidden + u] = g;
                    saved[s + 3 * hidden + u] = o;
                    saved[s + 4 * hidden + u] = tc;
                }
            }
        }
    }

    @Override
    public void backward(int batch, int hidden, float[] saved, int savedOff,
                         float[] prev, float[] next, int off, int stride,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        int gates = 4 * hidden;
        for (int b = 0; b < batch; b++) {
            int a = b * gates;
            int p = off + b * stride;
            int s = savedOff + b * 5 * hidden;
            for (int u = 0; u < hidden; u++) {
                float i = saved[s + u];
                float f = saved[s + hidden + u];
                float g = saved[s + 2 * hidden + u];
                float o = saved[s + 3 * hidden + u];
                float tc = saved[s + 4 * hidden + u];
                float dh = dNext[p + u];
                float dc = dNext[p + hidden + u] + dh * o * (1f - tc * tc);
                float di = dc * g * i * (1f - i);
                float df = dc * prev[p + hidden + u] * f * (1f - f);
                float dg = dc * i * (1f - g * g);
                float dout = dh * tc * o * (1f - o);
                dgx[a + u] = di;
                dgx[a + hidden + u] = df;
                dgx[a + 2 * hidden + u] = dg;
                dgx[a + 3 * hidden + u] = dout;
                dgh[a + u] = di;
                dgh[a + hidden + u] = df;
                dgh[a + 2 * hidden + u] = dg;
                dgh[a + 3 * hidden + u] = dout;
                dPrev[p + u] = 0f;
                dPrev[p + hidden + u] = dc * f;
            }
        }
    }
}
