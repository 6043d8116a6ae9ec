package io.flowcast.model;

/**
 * The shape of a network: a stack of {@code numLayers} recurrent layers of one cell type, then a
 * linear head from the top hidden state to {@code outputSize} outputs (one per horizon or quantile).
 *
 * <p>The recurrent state of one series is one flat {@code float[stateSize()]}: layer by layer, each
 * layer's block is {@code h} (H floats) followed, for LSTM only, by {@code c} (H floats). This is the
 * array a Flink operator keeps per key.
 */
public record NetConfig(CellType cell, int inputSize, int hiddenSize, int numLayers, int outputSize) {

    public NetConfig {
        if (cell == null) {
            throw new IllegalArgumentException("cell type is required");
        }
        requirePositive("inputSize", inputSize);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("numLayers", numLayers);
        requirePositive("outputSize", outputSize);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Floats of recurrent state per layer: H, or 2H for LSTM (h then c). */
    public int layerStateSize() {
        return cell.hasCellState() ? 2 * hiddenSize : hiddenSize;
    }

    /** Floats of recurrent state per series, all layers. */
    public int stateSize() {
        return numLayers * layerStateSize();
    }

    /** Offset of layer k's hidden state h in the flat state. */
    public int hiddenOffset(int layer) {
        return layer * layerStateSize();
    }

    /** Offset of layer k's cell state c in the flat state (LSTM only). */
    public int cellOffset(int layer) {
        if (!cell.hasCellState()) {
            throw new IllegalStateException(cell.id() + " has no cell state");
        }
        return layer * layerStateSize() + hiddenSize;
    }

    /** Layer 0 reads the input; layer k+1 reads layer k's hidden state. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : hiddenSize;
    }

    /** Rows of each layer's weight matrices: gates * H. */
    public int gateRows() {
        return cell.gates() * hiddenSize;
    }

    @Override
    public String toString() {
        return "NetConfig{cell=" + cell.id() + ", inputSize=" + inputSize + ", hiddenSize=" + hiddenSize
                + ", numLayers=" + numLayers + ", outputSize=" + outputSize + "}";
    }
}
