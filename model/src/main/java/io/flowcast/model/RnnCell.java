package io.flowcast.model;

/**
 * PyTorch's plain RNN: {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}, act = tanh or relu.
 * Backward needs only h' itself.
 */
final class RnnCell implements Cell {

    private final boolean relu;

    RnnCell(boolean relu) {
        this.relu = relu;
    }

    @Override
    public int gxSize(int hidden) {
        return hidden;
    }

    @Override
    public void forward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off) {
        Activations.add(gx, gh, 0, hidden);
        if (relu) {
            Activations.relu(gx, 0, hidden);
        } else {
            Activations.tanh(gx, 0, hidden);
        }
        System.arraycopy(gx, 0, next, off, hidden);
    }

    @Override
    public void backward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off,
                         float[] dNext, float[] dPrev, float[] dgx, float[] dgh) {
        for (int u = 0; u < hidden; u++) {
            float h = next[off + u];
            float d = dNext[off + u];
            dgx[u] = relu ? (h > 0f ? d : 0f) : d * (1f - h * h);
            dPrev[off + u] = 0f;
        }
        System.arraycopy(dgx, 0, dgh, 0, hidden);
    }
}
