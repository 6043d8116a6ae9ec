package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.TrainingConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OnlineForecasterTest {

    private static final long HOUR = 3_600_000L;

    /** A tiny recipe: period 12, window 6, horizon 3, retrain every 24 steps. */
    private static OnlineRecipe tiny(boolean ensemble) {
        TrainingConfig training = TrainingConfig.builder().batchSize(16).learningRate(1e-2).loss(Loss.mse())
                .validationFraction(0.2).patience(2).build();
        return new OnlineRecipe(3, 6, 12, 2, true, CellType.LSTM, 4, 1, 60, 40, Duration.ofHours(24), 3, 1,
                training, 0.0, ensemble, false, 7L);
    }

    private static float value(int t) {
        return (float) (100 + 30 * Math.sin(2 * Math.PI * t / 12) + 5 * Math.sin(t * 0.37));
    }

    private static float[] run(OnlineRecipe recipe, int n, int changeAt) {
        OnlineForecaster f = new OnlineForecaster(recipe, Duration.ofHours(1));
        float[] forecasts = new float[n];
        for (int t = 0; t < n; t++) {
            float v = t == changeAt ? 1000f : value(t);
            forecasts[t] = f.observe("a", t * HOUR, v);
            f.observe("b", t * HOUR, t % 17 == 0 ? Float.NaN : 2 * v);
            f.maybeRetrain(t * HOUR);
        }
        return forecasts;
    }

    @Test
    void aForecastNeverDependsOnLaterValues() {
        int n = 300;
        int changeAt = 200;
        for (boolean ensemble : new boolean[] {false, true}) {
            float[] base = run(tiny(ensemble), n, -1);
            float[] changed = run(tiny(ensemble), n, changeAt);
            for (int t = 0; t < changeAt; t++) {
                assertEquals(base[t], changed[t], 0f, "forecast at " + t + " saw the value at " + changeAt);
            }
            assertNotEquals(base[changeAt], changed[changeAt]);
        }
    }

    @Test
    void sameSeedSameForecastsAndItLearns() {
        OnlineRecipe recipe = tiny(false);
        float[] a = run(recipe, 300, -1);
        float[] b = run(recipe, 300, -1);
        for (int t = 0; t < a.length; t++) {
            assertEquals(a[t], b[t], 0f);
        }
        ForecastAccuracy model = new ForecastAccuracy();
        ForecastAccuracy persistence = new ForecastAccuracy();
        for (int t = 200; t + 3 < 300; t++) {
            model.add(a[t], value(t + 3));
            persistence.add(value(t), value(t + 3));
        }
        assertTrue(model.rmse() < 0.5 * persistence.rmse(), model + " vs persistence " + persistence);
    }

    @Test
    void retrainsOnScheduleAndPublishesOnlyImprovements() {
        OnlineForecaster f = new OnlineForecaster(tiny(false), Duration.ofHours(1));
        for (int t = 0; t < 300; t++) {
            f.observe("a", t * HOUR, value(t));
            f.maybeRetrain(t * HOUR);
        }
        assertTrue(f.fits() >= 8 && f.fits() <= 11, "fits " + f.fits());
        assertTrue(f.published() >= 1 && f.published() <= f.fits());
        assertEquals(f.fits(), f.reports().size());
    }
}
