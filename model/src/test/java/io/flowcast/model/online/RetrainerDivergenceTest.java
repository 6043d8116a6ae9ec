package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** A fit whose training diverges never replaces the serving model. */
class RetrainerDivergenceTest {

    private static final long HOUR = 3_600_000L;

    /**
     * Period 12, window 6, horizon 3, retrain every 24 steps; no net margin, so a net that learns is
     * published. No residual: the net forecasts the values themselves, so no fitted baseline can
     * stand in for it (the baseline's inputs fit this test's sawtooth almost exactly).
     */
    static OnlineRecipe tiny(TrainingConfig.Builder training) {
        return new OnlineRecipe(3, 6, 12, 2, false, CellType.LSTM, 8, 1, 60, 40, Duration.ofHours(24), 10, 3,
                training.build(), 0.0, false, false, 7L);
    }

    static TrainingConfig.Builder sane() {
        return TrainingConfig.builder().batchSize(16).learningRate(1e-2).loss(Loss.mse()).validationFraction(0.2)
                .patience(2);
    }

    /** Seasonal (period 12) plus a 5-step sawtooth the seasonal reference cannot know but a net can learn. */
    static float value(int t) {
        return (float) (100 + 30 * Math.sin(2 * Math.PI * t / 12) + 20 * ((t % 5) - 2));
    }

    /** A model's trainer with its windows and the histories they are cut from. */
    private record Training(ModelTrainer trainer, ReplayBuffer.Store windows, WindowFeed series) {
        static Training of(OnlineRecipe recipe) {
            return new Training(new ModelTrainer("m", recipe, HOUR), ReplayBuffer.inMemory(), new WindowFeed(recipe));
        }

        Retrainer retrainer() {
            return trainer.retrainer();
        }
    }

    private static List<Retrainer.FitOutcome> feed(Training r, int from, int to) {
        List<Retrainer.FitOutcome> outcomes = new ArrayList<>();
        for (int t = from; t < to; t++) {
            List<TrainingWindow> cut = r.series().step(t * HOUR, java.util.Map.of("a", value(t), "b", 2 * value(t) + 5),
                    r.trainer());
            Retrainer.FitOutcome o = WindowFeed.feed(r.trainer(), r.windows(), cut, t * HOUR);
            if (o != null) {
                outcomes.add(o);
            }
        }
        return outcomes;
    }

    /** The trainer checkpointed and restored under {@code recipe}; its windows and the series go on. */
    private static Training reopen(Training r, OnlineRecipe recipe) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.trainer().writeTo(new DataOutputStream(bytes));
        ModelTrainer back = ModelTrainer.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                r.retrainer().name(), recipe);
        return new Training(back, r.windows(), r.series());
    }

    /** Trains sanely until a net serves, then goes on with {@code broken}; returns the later outcomes. */
    private static void divergingFitsKeepTheServingNet(TrainingConfig.Builder broken) throws IOException {
        Training r = Training.of(tiny(sane()));
        feed(r, 0, 200);
        ServingModel serving = r.retrainer().serving();
        assertNotNull(serving, "a model is published by the sane phase");
        assertNotNull(serving.net(), "a net serves after the sane phase: " + serving);

        Training diverging = reopen(r, tiny(broken));
        List<Retrainer.FitOutcome> outcomes = feed(diverging, 200, 400);
        assertTrue(outcomes.size() >= 7, "fits after the switch: " + outcomes.size());
        for (Retrainer.FitOutcome o : outcomes) {
            assertTrue(!Double.isFinite(o.report().bestValidationLoss()) || o.report().skippedSteps() > 0,
                    "the broken fit diverges: " + o.report());
            assertNull(o.published(), "a diverging fit published: " + o.decision());
            assertTrue(o.decision().startsWith("kept v" + serving.version()), o.decision());
        }
        assertTrue(diverging.retrainer().serving().sameContent(serving), "the serving model changed: "
                + diverging.retrainer().serving());
        assertEquals(serving.version(), diverging.retrainer().published());
    }

    @Test
    void anAbsurdLearningRateNeverReplacesTheServingNet() throws IOException {
        divergingFitsKeepTheServingNet(sane().learningRate(1e30).clipNorm(0));
    }

    @Test
    void aNonFiniteLossNeverReplacesTheServingNet() throws IOException {
        Loss mse = Loss.mse();
        // NaN wherever the net predicts anything: every step is skipped and the validation loss is NaN.
        Loss poisoned = (pred, predOff, target, targetOff, n, grad, gradOff) -> {
            double loss = mse.rowLoss(pred, predOff, target, targetOff, n, grad, gradOff);
            for (int i = 0; i < n; i++) {
                if (pred[predOff + i] != 0f) {
                    return Double.NaN;
                }
            }
            return loss;
        };
        divergingFitsKeepTheServingNet(sane().loss(poisoned));
    }

    @Test
    void theSaneRecipePublishesAgainAfterTheSameSwitch() throws IOException {
        // The control: the same schedule with the sane recipe does publish after step 200, so the
        // diverging tests above are not passing merely because nothing would have been published anyway.
        Training r = Training.of(tiny(sane()));
        feed(r, 0, 200);
        long before = r.retrainer().published();
        Training again = reopen(r, tiny(sane()));
        List<Retrainer.FitOutcome> outcomes = feed(again, 200, 400);
        assertTrue(outcomes.stream().anyMatch(o -> o.published() != null), "no publication with the sane recipe");
        assertTrue(again.retrainer().published() > before);
        assertFalse(outcomes.isEmpty());
    }
}
