package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.TrainingConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainerTest {

    private static final long HOUR = 3_600_000L;

    /** Period 12, window 6, horizon 3, retrain every 24 steps; {@code loss} decides the fate of each fit. */
    private static OnlineRecipe tiny(Loss loss, boolean residual, boolean quantiles) {
        TrainingConfig training = TrainingConfig.builder().batchSize(16).learningRate(1e-2).loss(loss)
                .validationFraction(0.2).patience(2).build();
        if (quantiles) {
            training = training.toBuilder().loss(Loss.pinball(Loss.quantileColumns(3, ServingModel.QUANTILES))).build();
        }
        return new OnlineRecipe(3, 6, 12, 2, residual, CellType.LSTM, 4, 1, 60, 40, Duration.ofHours(24), 3, 1,
                training, 0.0, true, quantiles, 7L);
    }

    private static float value(int t) {
        return (float) (100 + 30 * Math.sin(2 * Math.PI * t / 12) + 5 * Math.sin(t * 0.37));
    }

    /** MSE that turns every loss and gradient into NaN while {@code poisoned[0]}. */
    private record PoisonableLoss(boolean[] poisoned) implements Loss {
        @Override
        public double rowLoss(float[] pred, int predOff, float[] target, int targetOff, int n, float[] grad, int gradOff) {
            double loss = Loss.mse().rowLoss(pred, predOff, target, targetOff, n, grad, gradOff);
            if (poisoned[0]) {
                java.util.Arrays.fill(grad, gradOff, gradOff + n, Float.NaN);
                return Double.NaN;
            }
            return loss;
        }
    }

    @Test
    void aDivergingFitNeverReplacesTheServingModel() {
        boolean[] poisoned = {false};
        OnlineForecaster r = new OnlineForecaster(tiny(new PoisonableLoss(poisoned), false, false), Duration.ofHours(1));
        ServingModel first = null;
        List<Retrainer.FitOutcome> poisonedFits = new ArrayList<>();
        for (int t = 0; t < 400; t++) {
            r.observe("a", t * HOUR, value(t));
            if (first != null) {
                poisoned[0] = true; // every fit after the first published model diverges
            }
            Retrainer.FitOutcome o = r.maybeRetrainOutcome(t * HOUR);
            if (o != null && first == null && o.published() != null) {
                first = o.published();
            } else if (o != null && poisoned[0]) {
                poisonedFits.add(o);
            }
        }
        assertNotNull(first, "the healthy first fit publishes");
        assertTrue(poisonedFits.size() >= 5, "fits after the first: " + poisonedFits.size());
        for (Retrainer.FitOutcome o : poisonedFits) {
            assertNull(o.published(), o.decision());
            assertTrue(o.decision().startsWith("kept v1: training diverged"), o.decision());
        }
        assertSame(first, r.serving());
        assertSame(first, r.trainer().retrainer().serving());
    }

    @Test
    void aModelSeesNothingAfterItsTrainingTime() {
        List<ServingModel> a = publishedModels(-1);
        List<ServingModel> b = publishedModels(250);
        assertTrue(a.size() >= 3, "published " + a.size());
        int compared = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).info().trainedUpTo() < 250 * HOUR) {
                assertTrue(a.get(i).sameContent(b.get(i)), "model " + i + " differs");
                compared++;
            }
        }
        assertTrue(compared >= 2 && compared < a.size(), "compared " + compared + " of " + a.size());
    }

    private static List<ServingModel> publishedModels(int changeFrom) {
        OnlineForecaster r = new OnlineForecaster(tiny(Loss.mse(), true, false), Duration.ofHours(1));
        List<ServingModel> out = new ArrayList<>();
        for (int t = 0; t < 400; t++) {
            float v = changeFrom >= 0 && t >= changeFrom ? 3 * value(t) : value(t);
            r.observe("a", t * HOUR, v);
            r.observe("b", t * HOUR, t % 17 == 0 ? Float.NaN : 2 * v);
            Retrainer.FitOutcome o = r.maybeRetrainOutcome(t * HOUR);
            if (o != null && o.published() != null) {
                out.add(o.published());
            }
        }
        return out;
    }

    @Test
    void aRestoredTrainerContinuesExactlyAsTheOriginal() throws Exception {
        OnlineRecipe recipe = tiny(Loss.mse(), true, false);
        ModelTrainer original = new ModelTrainer("m", recipe, HOUR);
        ReplayBuffer.Store originalWindows = ReplayBuffer.inMemory();
        ModelTrainer restored = null;
        ReplayBuffer.Store restoredWindows = ReplayBuffer.inMemory();
        WindowFeed feed = new WindowFeed(recipe);
        List<ServingModel> fromOriginal = new ArrayList<>();
        List<ServingModel> fromRestored = new ArrayList<>();
        for (int t = 0; t < 400; t++) {
            if (t == 150) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                original.writeTo(new DataOutputStream(bytes));
                restored = ModelTrainer.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "m", recipe);
                assertEquals(original.retrainer().fits(), restored.retrainer().fits());
                assertEquals(original.buffer().size(), restored.buffer().size());
                assertEquals(1, restored.series());
                for (int slot = 0; slot < recipe.replaySamples(); slot++) { // what Flink's MapState restores
                    TrainingWindow w = originalWindows.get(slot);
                    if (w != null) {
                        restoredWindows.put(slot, w);
                    }
                }
            }
            List<TrainingWindow> windows = t == 0 ? feed.step(0, java.util.Map.of("a", value(0)), original)
                    : feed.step(t * HOUR, java.util.Map.of("a", value(t)));
            Retrainer.FitOutcome o = WindowFeed.feed(original, originalWindows, windows, t * HOUR);
            if (o != null && o.published() != null && t > 150) {
                fromOriginal.add(o.published());
            }
            if (restored != null) {
                Retrainer.FitOutcome p = WindowFeed.feed(restored, restoredWindows, windows, t * HOUR);
                if (p != null && p.published() != null) {
                    fromRestored.add(p.published());
                }
            }
        }
        assertTrue(fromOriginal.size() >= 2, "published after the snapshot: " + fromOriginal.size());
        assertEquals(fromOriginal.size(), fromRestored.size());
        for (int i = 0; i < fromOriginal.size(); i++) {
            assertTrue(fromOriginal.get(i).sameContent(fromRestored.get(i)), "version " + i + " differs");
        }
    }

    @Test
    void quantileModelsCoverAboutEightyPercent() throws Exception {
        OnlineRecipe recipe = tiny(Loss.mse(), true, true);
        ModelTrainer r = new ModelTrainer("m", recipe, HOUR);
        ReplayBuffer.Store windows = ReplayBuffer.inMemory();
        WindowFeed feed = new WindowFeed(recipe);
        ResidualForecaster f = new ResidualForecaster(true, 12, 2);
        ServingModel current = null;
        ServingModel previous = null;
        float[] p50 = new float[3];
        float[] p10 = new float[3];
        float[] p90 = new float[3];
        java.util.Random noise = new java.util.Random(1);
        int n = 1200;
        float[] values = new float[n];
        float[][] forecasts = new float[n][];
        for (int t = 0; t < n; t++) {
            values[t] = value(t) + (float) (8 * noise.nextGaussian());
            List<TrainingWindow> cut = feed.step(t * HOUR, java.util.Map.of("a", values[t]), r);
            f.forecast(feed.keys.get("a"), "a", current, previous, p50, p10, p90);
            forecasts[t] = new float[] {p10[2], p50[2], p90[2]};
            Retrainer.FitOutcome o = WindowFeed.feed(r, windows, cut, t * HOUR);
            if (o != null && o.published() != null) {
                previous = current;
                current = o.published();
            }
        }
        assertNotNull(current.net(), "the last model is a quantile net");
        float[] widening = current.residualQuantiles();
        assertEquals(9, widening.length, "conformal offsets per horizon and quantile");
        for (int k = 0; k < 3; k++) {
            assertEquals(0f, widening[k * 3 + 1], 0f, "p50 is not moved");
            assertEquals(-widening[k * 3], widening[k * 3 + 2], 0f, "the band widens symmetrically");
        }
        int inside = 0;
        int scored = 0;
        for (int t = 600; t + 3 < n; t++) {
            float truth = values[t + 3];
            assertTrue(forecasts[t][0] <= forecasts[t][2], "p10 above p90 at " + t);
            inside += truth >= forecasts[t][0] && truth <= forecasts[t][2] ? 1 : 0;
            scored++;
        }
        double coverage = (double) inside / scored;
        assertTrue(coverage > 0.72 && coverage < 0.92, "p10..p90 covered " + coverage);
    }
}
