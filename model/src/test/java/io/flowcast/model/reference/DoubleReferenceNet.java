package io.flowcast.model.reference;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;

/**
 * An independent, deliberately plain double-precision forward pass of the recurrent stack and its
 * head, written from PyTorch's equations (shared/parity/README.md) with {@code Math.exp} and
 * {@code Math.tanh}, one series at a time and one gate row at a time. It shares nothing with the
 * library's float kernels but the parameter layout, so it can judge them.
 */
public final class DoubleReferenceNet {

    /** What one series produces: per-step top hidden state and head output, and the final states. */
    public record Trace(double[][] outputs, double[][] headOutputs, double[][] hN, double[][] cN) {
    }

    private final NetConfig config;
    private final ParameterLayout layout;
    private final double[] p;

    public DoubleReferenceNet(NetConfig config, double[] params) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + params.length);
        }
        this.p = params;
    }

    /**
     * Runs one series of {@code inputs} [T][in] from initial states {@code h0}, {@code c0} [L][H]
     * ({@code c0} ignored unless LSTM; the arrays are not modified).
     */
    public Trace run(double[][] inputs, double[][] h0, double[][] c0) {
        int layers = config.numLayers();
        int hidden = config.hiddenSize();
        double[][] h = new double[layers][];
        double[][] c = new double[layers][];
        for (int k = 0; k < layers; k++) {
            h[k] = h0[k].clone();
            c[k] = config.cell() == CellType.LSTM ? c0[k].clone() : null;
        }
        int steps = inputs.length;
        double[][] outputs = new double[steps][];
        double[][] head = new double[steps][];
        for (int t = 0; t < steps; t++) {
            double[] x = inputs[t];
            for (int k = 0; k < layers; k++) {
                step(k, x, h, c);
                x = h[k];
            }
            outputs[t] = h[layers - 1].clone();
            head[t] = head(h[layers - 1]);
        }
        return new Trace(outputs, head, h, config.cell() == CellType.LSTM ? c : null);
    }

    /**
     * Mean squared error over a batch, the way the library defines it: the mean over every present
     * (non-NaN) target of every scored step, all steps or only the last.
     *
     * @param inputs  [B][T][in]
     * @param h0      [B][L][H]
     * @param c0      [B][L][H] (LSTM) or null
     * @param targets [B][T][out] when {@code allSteps}, else [B][1][out]
     */
    public double mseLoss(double[][][] inputs, double[][][] h0, double[][][] c0, double[][][] targets,
                          boolean allSteps) {
        double sum = 0;
        long count = 0;
        for (int b = 0; b < inputs.length; b++) {
            Trace trace = run(inputs[b], h0[b], c0 == null ? null : c0[b]);
            int steps = inputs[b].length;
            for (int t = allSteps ? 0 : steps - 1; t < steps; t++) {
                double[] target = targets[b][allSteps ? t : 0];
                for (int o = 0; o < target.length; o++) {
                    if (!Double.isNaN(target[o])) {
                        double e = trace.headOutputs()[t][o] - target[o];
                        sum += e * e;
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }

    private void step(int k, double[] x, double[][] h, double[][] c) {
        int hidden = config.hiddenSize();
        double[] ax = affine(layout.weightIh(k), layout.biasIh(k), x);
        double[] ah = affine(layout.weightHh(k), layout.biasHh(k), h[k]);
        double[] next = new double[hidden];
        switch (config.cell()) {
            case LSTM -> {
                double[] cNext = new double[hidden];
                for (int u = 0; u < hidden; u++) {
                    double i = sigmoid(ax[u] + ah[u]);
                    double f = sigmoid(ax[hidden + u] + ah[hidden + u]);
                    double g = Math.tanh(ax[2 * hidden + u] + ah[2 * hidden + u]);
                    double o = sigmoid(ax[3 * hidden + u] + ah[3 * hidden + u]);
                    cNext[u] = f * c[k][u] + i * g;
                    next[u] = o * Math.tanh(cNext[u]);
                }
                c[k] = cNext;
            }
            case GRU -> {
                for (int u = 0; u < hidden; u++) {
                    double r = sigmoid(ax[u] + ah[u]);
                    double z = sigmoid(ax[hidden + u] + ah[hidden + u]);
                    double n = Math.tanh(ax[2 * hidden + u] + r * ah[2 * hidden + u]);
                    next[u] = (1 - z) * n + z * h[k][u];
                }
            }
            case RNN_TANH -> {
                for (int u = 0; u < hidden; u++) {
                    next[u] = Math.tanh(ax[u] + ah[u]);
                }
            }
            case RNN_RELU -> {
                for (int u = 0; u < hidden; u++) {
                    next[u] = Math.max(0, ax[u] + ah[u]);
                }
            }
        }
        h[k] = next;
    }

    private double[] head(double[] top) {
        return affine(layout.headWeight(), layout.headBias(), top);
    }

    /** {@code W v + b} for a row-major W. */
    private double[] affine(ParameterLayout.Tensor w, ParameterLayout.Tensor b, double[] v) {
        double[] out = new double[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            double s = p[b.offset() + r];
            for (int j = 0; j < w.cols(); j++) {
                s += p[w.offset() + r * w.cols() + j] * v[j];
            }
            out[r] = s;
        }
        return out;
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }
}
