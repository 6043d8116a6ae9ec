package io.flowcast.model.io;

import io.flowcast.model.ParameterLayout;

/**
 * PyTorch's shapes for {@link ParameterLayout} tensors. The layout stores vectors as {@code rows x 1},
 * which a {@code weight_ih} of input size 1 also is, so only the name tells a bias from a matrix.
 */
final class TensorShapes {

    private TensorShapes() {
    }

    static boolean isVector(ParameterLayout.Tensor t) {
        return t.name().startsWith("bias_") || t.name().equals("head.bias");
    }

    /** {@code [rows]} for biases, {@code [rows, cols]} for weights. */
    static int[] shape(ParameterLayout.Tensor t) {
        return isVector(t) ? new int[] {t.rows()} : new int[] {t.rows(), t.cols()};
    }

    /** The PyTorch index of flat element {@code at} of the tensor: {@code [i]} or {@code [row][col]}. */
    static String element(ParameterLayout.Tensor t, int at) {
        return isVector(t) ? "[" + at + "]" : "[" + at / t.cols() + "][" + at % t.cols() + "]";
    }
}
