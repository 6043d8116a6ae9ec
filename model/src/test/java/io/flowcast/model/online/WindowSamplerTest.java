package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowSamplerTest {

    @Test
    void prioritiesAreUniformAndDeterministic() {
        int n = 200_000;
        int[] bins = new int[10];
        for (int i = 0; i < n; i++) {
            double u = WindowSampler.priority("series-" + (i % 1000), 3_600_000L * (i / 1000));
            assertTrue(u >= 0 && u < 1);
            bins[(int) (u * 10)]++;
        }
        for (int b : bins) {
            assertEquals(n / 10.0, b, n / 10.0 * 0.03, "bin counts within 3 %");
        }
        assertEquals(WindowSampler.priority("a", 7), WindowSampler.priority("a", 7));
        assertTrue(WindowSampler.priority("a", 7) != WindowSampler.priority("a", 8));
    }

    @Test
    void theTrainerAcceptsAboutPerStepWindowsPerStepWhateverTheSeriesCount() {
        WindowSampler s = new WindowSampler(50);
        assertEquals(1.0, s.rate(12), "fewer series than perStep: every window");
        for (int series : new int[] {1_000, 100_000}) {
            int accepted = 0;
            for (int k = 0; k < series; k++) {
                accepted += WindowSampler.priority("series-" + k, 0) < s.rate(series) ? 1 : 0;
            }
            assertEquals(50, accepted, 25, series + " series");
        }
    }

    @Test
    void theCuttingSideNeverCutsLessThanTheTrainerAccepts() {
        WindowSampler s = new WindowSampler(50);
        for (long local : new long[] {1, 10, 99, 100, 101, 5_000, 1_000_000}) {
            for (long census = local; census < local * 8; census += Math.max(1, local / 3)) {
                assertTrue(s.localRate(local) >= s.rate(census), local + " local series, census " + census);
            }
        }
    }
}
