package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ForecastAccuracyTest {

    @Test
    void rmseNrmseAndWapeByHand() {
        ForecastAccuracy a = new ForecastAccuracy();
        a.add(12, 10); // error 2
        a.add(17, 20); // error -3
        a.add(Double.NaN, 5);
        a.add(1, Double.NaN);
        assertEquals(2, a.count());
        assertEquals(2, a.skipped());
        assertEquals(Math.sqrt((4 + 9) / 2.0), a.rmse(), 1e-12);
        assertEquals(Math.sqrt(6.5) / 2, a.nrmse(2), 1e-12);
        assertEquals(2.5, a.mae(), 1e-12);
        assertEquals(5.0 / 30, a.wape(), 1e-12);
    }

    @Test
    void emptyIsNan() {
        ForecastAccuracy a = new ForecastAccuracy();
        assertTrue(Double.isNaN(a.rmse()));
        assertTrue(Double.isNaN(a.wape()));
    }
}
