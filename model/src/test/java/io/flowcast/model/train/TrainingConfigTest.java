package io.flowcast.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void toStringShowsEveryHyperParameter() {
        TrainingConfig c = TrainingConfig.builder().epochs(7).batchSize(16).learningRate(0.003)
                .optimizer(OptimizerKind.ADAMW).weightDecay(0.01).betas(0.8, 0.99).eps(1e-6).clipNorm(2.5)
                .loss(Loss.huber(0.5f)).validationFraction(0.1).patience(4).seed(99).build();
        assertEquals("TrainingConfig{epochs=7, batchSize=16, optimizer=ADAMW, learningRate=0.003, betas=(0.8, 0.99), "
                + "eps=1.0E-6, weightDecay=0.01, clipNorm=2.5, loss=Huber(delta=0.5), validationFraction=0.1, "
                + "patience=4, seed=99}", c.toString());
        assertEquals(c, c.toBuilder().build());
        assertTrue(TrainingConfig.builder().clipNorm(0).build().toString().contains("clipNorm=off"));
    }

    @Test
    void defaultsAreSmallAdamRunWithClipping() {
        TrainingConfig c = TrainingConfig.builder().build();
        assertEquals(OptimizerKind.ADAM, c.optimizer());
        assertEquals(AdamSettings.of(1e-3), c.adamSettings());
        assertEquals(1.0, c.clipNorm());
        assertEquals("MSE", c.loss().toString());
        assertInstanceOf(AdamW.class, OptimizerKind.ADAMW.create(c.adamSettings(), 3));
        assertInstanceOf(Adam.class, OptimizerKind.ADAM.create(c.adamSettings(), 3));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().epochs(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().batchSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().validationFraction(1).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().clipNorm(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().learningRate(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().patience(0).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.builder().loss(null).build());
    }

    @Test
    void reportReadsAsASentence() {
        TrainingReport r = new TrainingReport(12, 9, 0.5, 0.0123, 0.0145, 300, 2, true, 800, 200,
                Duration.ofMillis(1500));
        assertEquals("TrainingReport{12 epochs (stopped early), validation loss 0.500000 -> best 0.0123000 at epoch 9, "
                + "final train loss 0.0145000, steps applied 300, skipped 2, samples 800 train + 200 validation, "
                + "1.500 s (6400 sequences/s)}", r.toString());
        TrainingReport none = new TrainingReport(1, -1, Double.NaN, Double.NaN, 0.25, 10, 0, false, 100, 0,
                Duration.ofSeconds(1));
        assertTrue(none.toString().contains("1 epoch, no validation, final train loss 0.250000"), none.toString());
    }
}
