package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.train.Loss;
import io.flowcast.model.train.TrainingConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowCutterTest {

    private static final long HOUR = 3_600_000L;
    /** Horizon 3, window 6, season 12 x 2. */
    private static final OnlineRecipe RECIPE = new OnlineRecipe(3, 6, 12, 2, true, CellType.LSTM, 4, 1, 60, 40,
            Duration.ofHours(24), 3, 1, TrainingConfig.builder().loss(Loss.mse()).build(), 0.0, true, false, 7L);

    @Test
    void aWindowIsTheRowsTargetsAndBaselineInputsOfItsSeriesScaledByItsRunningScaler() {
        WindowCutter cutter = new WindowCutter(RECIPE);
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = new ServingState(cutter.historyLength());
        int readyAt = -1;
        for (int t = 0; t < 60; t++) {
            f.append(s, t * HOUR, t == 40 ? Float.NaN : 10f + t % 12 + 0.1f * t);
            if (readyAt < 0 && cutter.ready(s)) {
                readyAt = t;
            }
        }
        // the first window ends at e = t - 3 and needs e - 5 - 12 >= 0: t = 20
        assertEquals(20, readyAt);
        TrainingWindow w = cutter.cut(s, "k");
        assertEquals("k", w.key());
        assertEquals(59 * HOUR, w.time(), "known once its last target arrived");
        InputRows rows = new InputRows(3, 12, 2);
        float[] expected = new float[6 * rows.size()];
        for (int t = 0; t < 6; t++) {
            rows.write(s.buffer(), 51 + t, s.liveScaler(), expected, t * rows.size());
        }
        assertArrayEquals(expected, w.inputs());
        for (int k = 1; k <= 3; k++) {
            assertEquals(s.liveScaler().transform(0, s.buffer().observed(56 + k)), w.targets()[k - 1], 0f);
            int at = BaselineFeatures.COUNT * (k - 1);
            assertEquals(s.liveScaler().transform(0, s.buffer().filled(56)), w.baselines()[at], 0f);
            assertEquals(s.liveScaler().transform(0, rows.reference(s.buffer(), 56 + k)), w.baselines()[at + 1], 0f);
            float[] expectedFeatures = new float[BaselineFeatures.COUNT];
            new BaselineFeatures(3, 6, 12, 2).write(s.buffer(), 56, k, s.liveScaler(), expectedFeatures, 0);
            assertArrayEquals(expectedFeatures, java.util.Arrays.copyOfRange(w.baselines(), at, at + BaselineFeatures.COUNT));
        }
    }

    @Test
    void aMissingTargetStaysMissingAndNoWindowStartsBeforeTheFirstValue() {
        WindowCutter cutter = new WindowCutter(RECIPE);
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = new ServingState(cutter.historyLength());
        for (int t = 0; t < 30; t++) {
            f.append(s, t * HOUR, t < 15 ? Float.NaN : t == 29 ? Float.NaN : t);
            if (t < 23) { // first input 15 needs e = 20, t = 23
                assertFalse(cutter.ready(s), "step " + t);
            }
        }
        assertTrue(cutter.ready(s));
        assertTrue(Float.isNaN(cutter.cut(s, "k").targets()[2]));
    }

    @Test
    void withAWeeklySeasonAWindowNeedsADayOfLookBackNotAWeek() {
        // season 14 steps = a "week" of 7 "days" of 2 steps: the first window ends at e = t - 3 and
        // needs e - 5 - 2 >= 0 (a week would need e - 5 - 14 >= 0, t = 22)
        OnlineRecipe.Builder weekly = RECIPE.toBuilder();
        weekly.season = 14;
        WindowCutter cutter = new WindowCutter(weekly.build());
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        ServingState s = new ServingState(cutter.historyLength());
        int readyAt = -1;
        for (int t = 0; t < 30 && readyAt < 0; t++) {
            f.append(s, t * HOUR, 10f + t);
            if (cutter.ready(s)) {
                readyAt = t;
            }
        }
        assertEquals(10, readyAt);
        TrainingWindow w = cutter.cut(s, "k");
        for (int k = 1; k <= 3; k++) { // no week behind it yet: the weekly reference reads as 0, the mean
            int row = new InputRows(3, 14, 2).size();
            assertEquals(0f, w.inputs()[(6 - 1) * row + 1 + io.flowcast.model.features.CalendarFeatures.SIZE + k], 0f);
        }
    }
}
