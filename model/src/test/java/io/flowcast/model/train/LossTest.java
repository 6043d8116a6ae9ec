package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import org.junit.jupiter.api.Test;

/** Loss values and gradients against numbers worked out by hand. */
class LossTest {

    private static final float NAN = Float.NaN;

    @Test
    void huberIsQuadraticInsideDeltaAndLinearOutsideAndSkipsMissingTargets() {
        float[] pred = {0.5f, 3f, -2f, 1f};
        float[] target = {0f, 0f, 0f, NAN};
        float[] grad = {9f, 9f, 9f, 9f};
        // e = 0.5: 0.5 * 0.25; e = 3: 1 * (3 - 0.5); e = -2: 1 * (2 - 0.5); missing: nothing.
        double sum = Loss.huber(1f).rowLoss(pred, 0, target, 0, 4, grad, 0);
        assertEquals(0.125 + 2.5 + 1.5, sum, 1e-7);
        assertArrayEquals(new float[] {0.5f, 1f, -1f, 0f}, grad);

        // delta = 2: e = 3 is linear, 2 * (3 - 1); e = -2 sits on the boundary, still quadratic.
        sum = Loss.huber(2f).rowLoss(pred, 0, target, 0, 4, grad, 0);
        assertEquals(0.125 + 4.0 + 2.0, sum, 1e-7);
        assertArrayEquals(new float[] {0.5f, 2f, -2f, 0f}, grad);
    }

    @Test
    void huberReadsAndWritesAtTheGivenOffsets() {
        float[] pred = {100f, 100f, 1.5f};
        float[] target = {-7f, 1f};
        float[] grad = new float[4];
        double sum = Loss.huber(0.25f).rowLoss(pred, 2, target, 1, 1, grad, 3);
        assertEquals(0.25 * (0.5 - 0.125), sum, 1e-7);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0.25f}, grad);
    }

    @Test
    void pinballWeighsUnderAndOverPredictionByTheColumnsQuantile() {
        Loss loss = Loss.pinball(new float[] {0.1f, 0.5f, 0.9f});
        float[] grad = new float[3];

        // Under-prediction by 2: q * 2 per column; d/dp = -q.
        double sum = loss.rowLoss(new float[] {1f, 1f, 1f}, 0, new float[] {3f, 3f, 3f}, 0, 3, grad, 0);
        assertEquals(0.2 + 1.0 + 1.8, sum, 1e-6);
        assertArrayEquals(new float[] {-0.1f, -0.5f, -0.9f}, grad);

        // Over-prediction by 1: (1 - q) per column; d/dp = 1 - q.
        sum = loss.rowLoss(new float[] {1f, 1f, 1f}, 0, new float[] {0f, 0f, 0f}, 0, 3, grad, 0);
        assertEquals(0.9 + 0.5 + 0.1, sum, 1e-6);
        assertArrayEquals(new float[] {0.9f, 0.5f, 0.1f}, grad, 1e-7f);

        // A missing target and an exact hit: nothing added; the tie's gradient is 0.5 - q.
        sum = loss.rowLoss(new float[] {5f, 2f, 4f}, 0, new float[] {NAN, 2f, 5f}, 0, 3, grad, 0);
        assertEquals(0.9 * 1.0, sum, 1e-6);
        assertArrayEquals(new float[] {0f, 0f, -0.9f}, grad, 1e-7f);
    }

    @Test
    void pinballRejectsRowsOfTheWrongWidthAndQuantilesOutsideTheOpenUnitInterval() {
        Loss loss = Loss.pinball(new float[] {0.1f, 0.9f});
        float[] row = new float[3];
        assertThrows(IllegalArgumentException.class, () -> loss.rowLoss(row, 0, row, 0, 3, row, 0));
        assertThrows(IllegalArgumentException.class, () -> Loss.pinball(new float[] {0.5f, 1f}));
        assertThrows(IllegalArgumentException.class, () -> Loss.pinball(new float[] {0f}));
        assertThrows(IllegalArgumentException.class, () -> Loss.huber(0f));
        assertThrows(IllegalArgumentException.class, () -> Loss.huber(Float.NaN));
    }

    @Test
    void quantileColumnsRepeatTheQuantilesForEachHorizon() {
        assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f, 0.1f, 0.5f, 0.9f}, Loss.quantileColumns(2, 0.1f, 0.5f, 0.9f));
    }

    @Test
    void toStringShowsTheParameters() {
        assertEquals("MSE", Loss.mse().toString());
        assertEquals("Huber(delta=0.5)", Loss.huber(0.5f).toString());
        assertEquals("Pinball(quantiles=[0.1, 0.5, 0.9])", Loss.pinball(new float[] {0.1f, 0.5f, 0.9f}).toString());
    }

    /**
     * Through BPTT the loss is a mean over present targets: with every error inside delta, Huber is
     * exactly half of MSE and so is every gradient; the median's pinball loss is half the MAE.
     */
    @Test
    void backpropMeansTheRowLossesOverPresentTargets() {
        NetConfig config = new NetConfig(CellType.GRU, 2, 3, 1, 2);
        RecurrentNet net = RecurrentNet.initialized(config, 3);
        float[] inputs = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f}; // T=2, B=2, in=2
        float[] targets = {0.2f, NAN, -0.1f, 0.3f}; // last step only, B=2 x 2 outputs, one missing
        SequenceBatch batch = new SequenceBatch(2, 2, inputs, targets, false, null);
        BackpropThroughTime bptt = new BackpropThroughTime(net);
        float[] gMse = new float[net.parameters().length];
        float[] gHuber = new float[gMse.length];
        double mse = bptt.lossAndGradient(batch, Loss.mse(), gMse);
        double huber = bptt.lossAndGradient(batch, Loss.huber(100f), gHuber);
        assertEquals(mse / 2, huber, 1e-7);
        for (int i = 0; i < gMse.length; i++) {
            assertEquals(gMse[i] / 2, gHuber[i], 1e-7, "gradient " + i);
        }

        float[] out = bptt.headOutputs(); // [T x B x O]; the last step starts at 1 * 2 * 2
        double mae = (Math.abs(out[4] - 0.2) + Math.abs(out[6] + 0.1) + Math.abs(out[7] - 0.3)) / 3;
        double pinball = bptt.lossAndGradient(batch, Loss.pinball(new float[] {0.5f, 0.5f}), gHuber);
        assertEquals(mae / 2, pinball, 1e-7);
    }
}
