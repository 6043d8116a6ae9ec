package io.flowcast.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.train.BackpropThroughTime;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.SequenceBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gradient of the float BPTT against central finite differences of the double reference's
 * loss, at the same (float) parameters, on small random nets with random non-zero initial states,
 * a missing target, both loss shapes. Unlike the parity cases (batch 1, all steps, fixed shapes)
 * this covers batch 2, last-step targets and any shape the random draw picks.
 */
class FiniteDifferenceGradientTest {

    private static final double EPS = 1e-6;
    private static final double ATOL = 2e-4;
    private static final double RTOL = 2e-3;
    private static final int BATCH = 2;

    static Stream<Arguments> nets() {
        List<Arguments> out = new ArrayList<>();
        long seed = 11;
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 2; layers++) {
                for (boolean allSteps : new boolean[] {true, false}) {
                    out.add(Arguments.of(cell, layers, allSteps, seed++));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} layers={1} allSteps={2} seed={3}")
    @MethodSource("nets")
    void everyGradientMatchesCentralDifferences(CellType cell, int layers, boolean allSteps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int hidden = random.nextInt(3, 7);
        int steps = random.nextInt(5, 8);
        NetConfig config = new NetConfig(cell, random.nextInt(1, 4), hidden, layers, random.nextInt(1, 4));
        RecurrentNet net = RecurrentNet.initialized(config, seed);
        // Twice PyTorch's init range: stronger nonlinearity and gradients well above the tolerance.
        float[] p = net.parameters();
        for (int i = 0; i < p.length; i++) {
            p[i] *= 2f;
        }
        net.parametersChanged();
        Problem problem = Problem.random(config, steps, allSteps, random);

        float[] grads = new float[net.parameters().length];
        double floatLoss = new BackpropThroughTime(net).lossAndGradient(problem.batch(), Loss.mse(), grads);

        double[] params = new double[grads.length];
        for (int i = 0; i < params.length; i++) {
            params[i] = net.parameters()[i];
        }
        assertEquals(problem.loss(config, params), floatLoss, 1e-5 * Math.max(1, floatLoss), "loss");

        ParameterLayout layout = net.layout();
        int large = 0;
        for (ParameterLayout.Tensor t : layout.tensors()) {
            for (int j = 0; j < t.size(); j++) {
                int i = t.offset() + j;
                double saved = params[i];
                params[i] = saved + EPS;
                double up = problem.loss(config, params);
                params[i] = saved - EPS;
                double down = problem.loss(config, params);
                params[i] = saved;
                double fd = (up - down) / (2 * EPS);
                double ours = grads[i];
                assertTrue(Math.abs(ours - fd) <= ATOL + RTOL * Math.abs(fd),
                        () -> config + ": d loss / d " + t.name() + "[" + (i - t.offset()) + "]: BPTT " + ours
                                + ", finite difference " + fd);
                if (Math.abs(fd) > 10 * ATOL) {
                    large++;
                }
            }
        }
        // Guard against a vacuous pass: most gradients must be far above the absolute tolerance.
        assertTrue(large > params.length / 2, large + " of " + params.length + " gradients are above " + 10 * ATOL);
    }

    /** One random batch in both forms: time-major floats for BPTT, per-series doubles for the reference. */
    private record Problem(SequenceBatch batch, double[][][] inputs, double[][][] h0, double[][][] c0,
                           double[][][] targets, boolean allSteps) {

        static Problem random(NetConfig config, int steps, boolean allSteps, SplittableRandom random) {
            int in = config.inputSize();
            int outs = config.outputSize();
            int hidden = config.hiddenSize();
            boolean lstm = config.cell().hasCellState();
            float[] flatInputs = new float[steps * BATCH * in];
            float[] flatTargets = new float[(allSteps ? steps : 1) * BATCH * outs];
            float[] states = new float[BATCH * config.stateSize()];
            double[][][] inputs = new double[BATCH][steps][in];
            double[][][] h0 = new double[BATCH][config.numLayers()][hidden];
            double[][][] c0 = lstm ? new double[BATCH][config.numLayers()][hidden] : null;
            double[][][] targets = new double[BATCH][allSteps ? steps : 1][outs];
            for (int b = 0; b < BATCH; b++) {
                for (int t = 0; t < steps; t++) {
                    for (int i = 0; i < in; i++) {
                        float x = (float) random.nextDouble(-1, 1);
                        flatInputs[(t * BATCH + b) * in + i] = x;
                        inputs[b][t][i] = x;
                    }
                }
                for (int k = 0; k < config.numLayers(); k++) {
                    for (int u = 0; u < hidden; u++) {
                        float h = (float) random.nextDouble(-0.9, 0.9);
                        states[b * config.stateSize() + config.hiddenOffset(k) + u] = h;
                        h0[b][k][u] = h;
                        if (lstm) {
                            float c = (float) random.nextDouble(-1.5, 1.5);
                            states[b * config.stateSize() + config.cellOffset(k) + u] = c;
                            c0[b][k][u] = c;
                        }
                    }
                }
                for (int t = 0; t < targets[b].length; t++) {
                    for (int o = 0; o < outs; o++) {
                        float y = (float) random.nextDouble(-3, 3);
                        flatTargets[(t * BATCH + b) * outs + o] = y;
                        targets[b][t][o] = y;
                    }
                }
            }
            // One missing target: it must add nothing to the loss, its gradient or the mean's count.
            flatTargets[flatTargets.length - 1] = Float.NaN;
            targets[BATCH - 1][targets[BATCH - 1].length - 1][outs - 1] = Double.NaN;
            return new Problem(new SequenceBatch(BATCH, steps, flatInputs, flatTargets, allSteps, states),
                    inputs, h0, c0, targets, allSteps);
        }

        double loss(NetConfig config, double[] params) {
            return new DoubleReferenceNet(config, params).mseLoss(inputs, h0, c0, targets, allSteps);
        }
    }
}
