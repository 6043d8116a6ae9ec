package io.flowcast.model.parity;

import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.train.BackpropThroughTime;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.SequenceBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link ParityCase} through the library in float32 and compares every reference value:
 * the top layer's output and the head's output at every step (through the online {@code step}
 * path), the final h and c, the loss, and the gradient of every parameter (through BPTT).
 */
public final class ParityCheck {

    /** The outcome: each mismatch names the quantity, the index, ours and the reference. */
    public record Result(String caseName, int valuesChecked, double worstForwardError, double worstGradientError,
                         List<String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty();
        }
    }

    private ParityCheck() {
    }

    public static Result run(ParityCase c) {
        return run(c, c.parameters());
    }

    /**
     * Checks the library with {@code parameters} in place of the case's own against the case's
     * reference values. Tests pass deliberately corrupted parameters to prove the check can fail.
     */
    static Result run(ParityCase c, float[] parameters) {
        Checker check = new Checker();
        NetConfig config = c.config();
        RecurrentNet net = RecurrentNet.withParameters(config, parameters);

        float[] state = initialState(c);
        float[] input = new float[config.inputSize()];
        float[] out = new float[config.outputSize()];
        int top = config.hiddenOffset(config.numLayers() - 1);
        for (int t = 0; t < c.inputs().length; t++) {
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) c.inputs()[t][i];
            }
            net.step(state, input, out);
            for (int u = 0; u < config.hiddenSize(); u++) {
                check.forward(c, "outputs[" + t + "][" + u + "]", state[top + u], c.outputs()[t][u]);
            }
            for (int o = 0; o < config.outputSize(); o++) {
                check.forward(c, "head_outputs[" + t + "][" + o + "]", out[o], c.headOutputs()[t][o]);
            }
        }
        for (int k = 0; k < config.numLayers(); k++) {
            for (int u = 0; u < config.hiddenSize(); u++) {
                check.forward(c, "h_n[" + k + "][" + u + "]", state[config.hiddenOffset(k) + u], c.hN()[k][u]);
                if (config.cell().hasCellState()) {
                    check.forward(c, "c_n[" + k + "][" + u + "]", state[config.cellOffset(k) + u], c.cN()[k][u]);
                }
            }
        }

        BackpropThroughTime bptt = new BackpropThroughTime(net);
        float[] grads = new float[net.parameters().length];
        double loss = bptt.lossAndGradient(sequence(c), Loss.mse(), grads);
        check.forward(c, "loss", loss, c.loss());
        double[] ref = c.referenceGradients();
        for (ParameterLayout.Tensor t : net.layout().tensors()) {
            for (int i = 0; i < t.size(); i++) {
                check.gradient(c, "grad " + t.name() + "[" + i + "]", grads[t.offset() + i], ref[t.offset() + i]);
            }
        }
        return new Result(c.name(), check.count, check.worstForward, check.worstGradient, check.mismatches);
    }

    private static float[] initialState(ParityCase c) {
        NetConfig config = c.config();
        float[] state = new float[config.stateSize()];
        for (int k = 0; k < config.numLayers(); k++) {
            for (int u = 0; u < config.hiddenSize(); u++) {
                state[config.hiddenOffset(k) + u] = (float) c.h0()[k][u];
                if (config.cell().hasCellState()) {
                    state[config.cellOffset(k) + u] = (float) c.c0()[k][u];
                }
            }
        }
        return state;
    }

    private static SequenceBatch sequence(ParityCase c) {
        int steps = c.inputs().length;
        int in = c.config().inputSize();
        int outs = c.config().outputSize();
        float[] inputs = new float[steps * in];
        float[] targets = new float[steps * outs];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < in; i++) {
                inputs[t * in + i] = (float) c.inputs()[t][i];
            }
            for (int o = 0; o < outs; o++) {
                targets[t * outs + o] = (float) c.targets()[t][o];
            }
        }
        return new SequenceBatch(1, steps, inputs, targets, true, initialState(c));
    }

    private static final class Checker {
        static final int MAX_REPORTED = 10;
        final List<String> mismatches = new ArrayList<>();
        int count;
        double worstForward;
        double worstGradient;

        void forward(ParityCase c, String what, double ours, double ref) {
            worstForward = Math.max(worstForward, Math.abs(ours - ref));
            compare(c.forwardTolerance(), what, ours, ref);
        }

        void gradient(ParityCase c, String what, double ours, double ref) {
            worstGradient = Math.max(worstGradient, Math.abs(ours - ref));
            compare(c.gradientTolerance(), what, ours, ref);
        }

        private void compare(ParityCase.Tolerance tol, String what, double ours, double ref) {
            count++;
            if (!(tol.accepts(ours, ref)) && mismatches.size() < MAX_REPORTED) {
                mismatches.add(what + ": ours " + ours + ", reference " + ref);
            }
        }
    }
}
