package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeriesBufferTest {

    @Test
    void keepsTheNewestCapacityEventsByAbsoluteIndex() {
        SeriesBuffer b = new SeriesBuffer(3);
        assertEquals(-1, b.last());
        for (int i = 0; i < 5; i++) {
            b.append(1000L * i, 10f * i);
        }
        assertEquals(5, b.count());
        assertEquals(2, b.first());
        assertEquals(4, b.last());
        assertFalse(b.holds(1));
        assertTrue(b.holds(2));
        assertEquals(20f, b.observed(2));
        assertEquals(4000L, b.timestamp(4));
        assertThrows(IndexOutOfBoundsException.class, () -> b.observed(1));
        assertThrows(IndexOutOfBoundsException.class, () -> b.observed(5));
    }

    @Test
    void missingValuesAreNanObservedAndForwardFilled() {
        SeriesBuffer b = new SeriesBuffer(8);
        b.append(0, Float.NaN);
        b.append(1, 5f);
        b.append(2, Float.NaN);
        b.append(3, 7f);
        assertTrue(Float.isNaN(b.filled(0)), "nothing to fill from yet");
        assertTrue(Float.isNaN(b.observed(2)));
        assertEquals(5f, b.filled(2));
        assertEquals(7f, b.filled(3));
        assertThrows(IllegalArgumentException.class, () -> b.append(4, Float.POSITIVE_INFINITY));
    }
}
