package io.flowcast.model;

/**
 * The element-wise part of one recurrent layer's step for one series: everything after the two
 * matrix products.
 *
 * <p>On entry {@code gx} holds {@code W_ih x + b_ih} and {@code gh} holds {@code W_hh h + b_hh}
 * (G*H floats each, PyTorch's gate order). The cell writes the next state and leaves in gx/gh what
 * its backward needs, so a training tape simply keeps those two arrays per step. The layer's block
 * of the state (h, then c for LSTM) starts at {@code off} in the previous state, the next state and
 * both of their gradients.
 *
 * <p>Backward is the exact derivative of forward: from the next state's gradient it writes the
 * gradients of both pre-activations ({@code dgx}, {@code dgh}) and sets the part of the previous
 * state's gradient that bypasses W_hh ({@code c} for LSTM, {@code z*h} for GRU); the caller adds the
 * part that flows back through W_hh.
 */
interface Cell {

    /** Length of the gx buffer: G*H, plus room for anything else backward needs. */
    int gxSize(int hidden);

    /** {@code next} may be {@code prev}: every unit reads its previous values before writing them. */
    void forward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off);

    void backward(int hidden, float[] gx, float[] gh, float[] prev, float[] next, int off,
                  float[] dNext, float[] dPrev, float[] dgx, float[] dgh);

    static Cell of(CellType type) {
        return switch (type) {
            case LSTM -> new LstmCell();
            case GRU -> new GruCell();
            case RNN_TANH -> new RnnCell(false);
            case RNN_RELU -> new RnnCell(true);
        };
    }
}
