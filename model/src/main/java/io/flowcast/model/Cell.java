package io.flowcast.model;

/**
 * The element-wise part of one recurrent layer's step: everything after the two matrix products.
 *
 * <p>{@link RecurrentNet} computes, for each series b of a batch, the gate pre-activations
 * {@code gx[b] = W_ih x + b_ih} and {@code gh[b] = W_hh h + b_hh}, each packed [batch x G*H] with
 * PyTorch's gate order. A cell turns them into the next state. States are strided: series b's layer
 * block (h, then c for LSTM) starts at {@code off + b * stride} in the previous state, the next
 * state and their gradients alike (training keeps one array per time step, so offsets agree).
 *
 * <p>Backward is the exact derivative of {@link #forward}: from the gradient of the next state it
 * writes the gradients of both pre-activations ({@code dgx}, {@code dgh}, packed like gx/gh) and the
 * part of the previous state's gradient that bypasses the matrices ({@code c} for LSTM, {@code z*h}
 * for GRU); {@link RecurrentNet} adds the part that flows back through {@code W_hh}.
 */
interface Cell {

    /** Floats saved per series and step for {@link #backward}. */
    int savedSize(int hidden);

    /**
     * Writes the next state. {@code next} may be the same array as {@code prev}: each
     * unit reads its previous values before it writes them. When {@code saved} is not null, stores
     * what backward needs at {@code savedOff + b * savedSize(hidden)}.
     */
    void forward(int batch, int hidden, float[] gx, float[] gh,
                 float[] prev, float[] next, int off, int stride, float[] saved, int savedOff);

    /**
     * Given {@code dNext} (gradient of the next state, same layout as the states), writes
     * {@code dgx}, {@code dgh} and sets (not adds) the direct part of {@code dPrev}.
     */
    void backward(int batch, int hidden, float[] saved, int savedOff,
                  float[] prev, float[] next, int off, int stride,
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
