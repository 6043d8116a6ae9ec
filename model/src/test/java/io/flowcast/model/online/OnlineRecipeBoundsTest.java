package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A recipe refuses what a forecaster would refuse to serve, so no trainer publishes such a model. */
class OnlineRecipeBoundsTest {

    private static final OnlineRecipe HOURLY = OnlineRecipe.defaults(Duration.ofHours(1), 5);

    @Test
    void theLongestServedWindowAndMostSeasonsAreAllowed() {
        OnlineRecipe r = RecipeOverrides.apply(HOURLY, Map.of("window", "" + OnlineRecipe.MAX_SERVED_WINDOW,
                "seasons", "" + OnlineRecipe.MAX_SERVED_SEASONS));
        assertEquals(10_000, r.window());
        assertEquals(52, r.seasons());
    }

    @Test
    void aLongerWindowOrMoreSeasonsAreRefusedNamingTheBound() {
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> RecipeOverrides.apply(HOURLY, Map.of("window", "10001")));
        assertTrue(window.getMessage().contains("at most 10000"), window.getMessage());
        IllegalArgumentException seasons = assertThrows(IllegalArgumentException.class,
                () -> RecipeOverrides.apply(HOURLY, Map.of("seasons", "53")));
        assertTrue(seasons.getMessage().contains("at most 52"), seasons.getMessage());
    }

    @Test
    void everyDefaultRecipeIsServable() {
        for (Duration step : new Duration[] {Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofDays(1)}) {
            OnlineRecipe r = OnlineRecipe.defaults(step, 5);
            assertTrue(r.window() <= OnlineRecipe.MAX_SERVED_WINDOW, step + ": window " + r.window());
            assertTrue(r.seasons() <= OnlineRecipe.MAX_SERVED_SEASONS, step + ": seasons " + r.seasons());
        }
    }
}
