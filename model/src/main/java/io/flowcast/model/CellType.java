package io.flowcast.model;

import java.util.Locale;

/** The recurrent cells, with PyTorch's gate counts and names (`lstm`, `gru`, `rnn_tanh`, `rnn_relu`). */
public enum CellType {
    /** Gates i, f, g, o; keeps a cell state c beside h. */
    LSTM("lstm", 4),
    /** Gates r, z, n; the reset gate multiplies {@code W_hn h + b_hn}. */
    GRU("gru", 3),
    RNN_TANH("rnn_tanh", 1),
    RNN_RELU("rnn_relu", 1);

    private final String id;
    private final int gates;

    CellType(String id, int gates) {
        this.id = id;
        this.gates = gates;
    }

    /** The name used in PyTorch cases, the weight format and on the command line. */
    public String id() {
        return id;
    }

    /** Rows of the gate block per hidden unit: {@code weight_ih} has {@code gates() * H} rows. */
    public int gates() {
        return gates;
    }

    /** Only the LSTM carries a cell state c beside its hidden state h. */
    public boolean hasCellState() {
        return this == LSTM;
    }

    /** Parses `lstm`, `gru`, `rnn_tanh`, `rnn_relu` (also `rnn` for tanh), any case. */
    public static CellType fromId(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT);
        if (s.equals("rnn")) {
            return RNN_TANH;
        }
        for (CellType t : values()) {
            if (t.id.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown cell type '" + id + "': expected one of lstm, gru, rnn_tanh, rnn_relu");
    }
}
