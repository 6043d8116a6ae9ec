package io.flowcast.model;

/**
 * One layer's weights in the shapes the kernels read, derived from the flat PyTorch-layout
 * parameters: W_ih and W_hh transposed as rows of G*H floats (forward: one axpy per input computes
 * all gates in one pass), and as PyTorch's own rows (backward: the gradient flowing to the input),
 * plus the two bias vectors. Every row is its own array starting at 0, which C2 needs to vectorise.
 */
final class LayerWeights {

    final int inputSize;
    final int hidden;
    final int gateRows;
    /** [inputSize][G*H]: column j of W_ih. */
    final float[][] inputColumns;
    /** [H][G*H]: column j of W_hh. */
    final float[][] hiddenColumns;
    /**
     * [(inputSize + H) * G*H]: the input then the hidden columns end to end, for the Vector API
     * kernel; empty when that kernel does not run (GRU, RNN, or a JVM without the module), so the
     * other cells do not copy their weights once more after every optimizer step.
     */
    final float[] stackedColumns;
    /** [G*H][inputSize]: row r of W_ih. */
    final float[][] inputRows;
    /** [G*H][H]: row r of W_hh. */
    final float[][] hiddenRows;
    final float[] biasIh;
    final float[] biasHh;
    /** b_ih + b_hh: the LSTM kernel adds both biases at once. */
    final float[] biasSum;

    LayerWeights(int inputSize, int hidden, int gateRows, boolean stacked) {
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.gateRows = gateRows;
        this.inputColumns = new float[inputSize][gateRows];
        this.hiddenColumns = new float[hidden][gateRows];
        this.stackedColumns = new float[stacked ? (inputSize + hidden) * gateRows : 0];
        this.inputRows = new float[gateRows][inputSize];
        this.hiddenRows = new float[gateRows][hidden];
        this.biasIh = new float[gateRows];
        this.biasHh = new float[gateRows];
        this.biasSum = new float[gateRows];
    }

    /** Refreshes every derived array from the flat parameters. */
    void load(float[] params, ParameterLayout layout, int layer) {
        loadMatrix(params, layout.weightIh(layer).offset(), inputSize, inputRows, inputColumns);
        loadMatrix(params, layout.weightHh(layer).offset(), hidden, hiddenRows, hiddenColumns);
        System.arraycopy(params, layout.biasIh(layer).offset(), biasIh, 0, gateRows);
        System.arraycopy(params, layout.biasHh(layer).offset(), biasHh, 0, gateRows);
        for (int r = 0; r < gateRows; r++) {
            biasSum[r] = biasIh[r] + biasHh[r];
        }
        if (stackedColumns.length > 0) {
            for (int j = 0; j < inputSize; j++) {
                System.arraycopy(inputColumns[j], 0, stackedColumns, j * gateRows, gateRows);
            }
            for (int j = 0; j < hidden; j++) {
                System.arraycopy(hiddenColumns[j], 0, stackedColumns, (inputSize + j) * gateRows, gateRows);
            }
        }
    }

    private void loadMatrix(float[] params, int offset, int cols, float[][] rows, float[][] columns) {
        for (int r = 0; r < gateRows; r++) {
            System.arraycopy(params, offset + r * cols, rows[r], 0, cols);
            for (int j = 0; j < cols; j++) {
                columns[j][r] = params[offset + r * cols + j];
            }
        }
    }
}
