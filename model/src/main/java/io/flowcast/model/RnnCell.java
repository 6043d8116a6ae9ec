package io.flowcast.model;

import static io.flowcast.model.Activations.tanh;

/** PyTorch's plain RNN: {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}, act = tanh or relu. */
final class RnnCell implements Cell {

    private final boolean relu;

    RnnCell(boolean relu) {
        this.relu = relu;
    }

    @Override
    public int savedSize(int hidden) {
        return 0; // the derivative comes from h' itself
    }

    @Override
    public void forward(int batch, int hidden, float[] gx, float[] gh,
                        float[] prev, float[] next, int off, int stride, float[] saved, int savedOff) {
        for (int b = 0; b < batch; b++) {
            int a = b * hidden;
            int p = off + b * stride;
            for (int u = 0; u < hidden; u++) {
                float x = gx[a + u] + gh[a + u];
                next[p + u] = relu ? Math.max(0f, x) : tanh(x);
            }
        }
    }

    @Override
    public void backward(int batch, int hidden, float[] saved, int savedOff,
                         float[] prev, float[] next, int off, int stride,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        for (int b = 0; b < batch; b++) {
            int a = b * hidden;
            int p = off + b * stride;
            for (int u = 0; u < hidden; u++) {
                float h = next[p + u];
                float d = relu ? (h > 0f ? dNext[p + u] : 0f) : dNext[p + u] * (1f - h * h);
                dgx[a + u] = d;
                dgh[a + u] = d;
                dPrev[p + u] = 0f;
            }
        }
    }
}
