package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import org.junit.jupiter.api.Test;

/** The bounds {@link ResidualForecaster} puts on a one-step forecast and on a net's correction. */
class ResidualForecasterBoundsTest {

    private static final long HOUR = 3_600_000L;
    /** Horizon 2, window 6, a "week" of 14 steps, 2 seasons. */
    private static final ServingModel.Shape SHAPE = new ServingModel.Shape(2, 6, 14, 2, false);

    /** A baseline-alone model whose one-step forecast is {@code a x[t] + b x[t-1]} (z units) at both horizons. */
    private static ServingModel baseline(float a, float b, RecurrentNet net) {
        float[] c = new float[BaselineFeatures.COUNT * 2];
        for (int k = 0; k < 2; k++) {
            c[BaselineFeatures.COUNT * k] = a;
            c[BaselineFeatures.COUNT * k + 2] = b;
        }
        return new ServingModel("m", 1, SHAPE, net, c, new float[0], new ServingModel.Info(0, 100, 0.1, 0.1, 1));
    }

    /** 40 steps of 10 +- 0.1, then {@code last}. */
    private static ServingState series(ResidualForecaster f, float last) {
        ServingState s = new ServingState(SHAPE.ringLength());
        for (int t = 0; t < 40; t++) {
            f.append(s, t * HOUR, 10f + (t % 2 == 0 ? 0.1f : -0.1f));
        }
        f.append(s, 40 * HOUR, last);
        return s;
    }

    private static float typicalChange(ServingState s, int k) {
        return new BaselineFeatures(2, 6, 14, 2).typicalChange(s.buffer(), s.buffer().last(), k);
    }

    @Test
    void aBaselineThatRevertsAStepManyTimesTheUsualOneIsHeldWithinTheBound() {
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = series(f, 20f);
        float[] point = new float[2];
        // reverting twice the last step: unbounded, the forecast would be far below 10
        f.forecast(s, "k", baseline(-1f, 2f, null), null, point, null, null);
        float typical = typicalChange(s, 1);
        assertTrue(typical > 0.1f && typical < 1f, "typical one-step change " + typical);
        // widened by the larger move the daily or weekly references make from this step to the next
        float[] raw = new float[BaselineFeatures.COUNT];
        new BaselineFeatures(2, 6, 14, 2).writeRaw(s.buffer(), s.buffer().last(), 1, raw, 0);
        float move = Math.max(Math.abs(raw[1] - raw[4]), Math.abs(raw[5] - raw[6]));
        assertTrue(move > 0.1f && move < 1f, "seasonal move " + move);
        assertEquals(20f - move - ResidualForecaster.ONE_STEP_BOUND * typical, point[0], 1e-4f);
        assertTrue(point[1] < 5f, "horizon 2 is not bounded: " + point[1]);
    }

    @Test
    void anOrdinaryStepIsForecastAsTheBaselineSaysAndNeverMovesTheForecastTowardsTheLastValue() {
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = series(f, 10.1f);
        float[] point = new float[2];
        f.forecast(s, "k", baseline(0.5f, 0.5f, null), null, point, null, null);
        StreamingScalerView z = new StreamingScalerView(s);
        float expected = z.inverse(0.5f * z.of(10.1f) + 0.5f * z.of(s.buffer().filled(s.buffer().last() - 1)));
        assertEquals(expected, point[0], 1e-4f);
        assertEquals(expected, point[1], 1e-4f);
    }

    @Test
    void aNetCorrectsItsBaselineByAtMostTheNetBoundOfTypicalChanges() {
        NetConfig config = new NetConfig(CellType.LSTM, new InputRows(2, 14, 2).size(), 3, 1, 2);
        float[] params = new float[new ParameterLayout(config).size()];
        ParameterLayout.Tensor bias = new ParameterLayout(config).headBias();
        params[bias.offset()] = 50f; // a correction of 50 standard deviations at horizon 1
        params[bias.offset() + 1] = -50f;
        RecurrentNet net = RecurrentNet.withParameters(config, params);
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = series(f, 10.1f);
        float[] withNet = new float[2];
        float[] alone = new float[2];
        f.forecast(s, "k", baseline(1f, 0f, net), null, withNet, null, null);
        new ResidualForecaster(false, 0, 1).forecast(series(new ResidualForecaster(false, 0, 1), 10.1f), "k",
                baseline(1f, 0f, null), null, alone, null, null);
        assertEquals(alone[1] - ResidualForecaster.NET_BOUND * typicalChange(s, 2), withNet[1], 1e-4f);
        float upOne = alone[0] + ResidualForecaster.NET_BOUND * typicalChange(s, 1);
        assertEquals(upOne, withNet[0], 1e-4f);
    }

    /** z units of the series' running scaler. */
    private record StreamingScalerView(ServingState s) {
        float of(float x) {
            return s.liveScaler().transform(0, x);
        }

        float inverse(float z) {
            return s.liveScaler().inverse(0, z);
        }
    }
}
