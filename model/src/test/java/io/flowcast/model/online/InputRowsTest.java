package io.flowcast.model.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.features.StreamingScaler;
import org.junit.jupiter.api.Test;

class InputRowsTest {

    /** Period 4, 3 seasons: values 0..15 with one outlier a season back. */
    private static SeriesBuffer buffer() {
        SeriesBuffer b = new SeriesBuffer(64);
        for (int i = 0; i < 16; i++) {
            b.append(i * 3_600_000L, i == 13 ? 1000f : i);
        }
        return b;
    }

    @Test
    void referenceIsTheMedianOfThePastSeasonsHeld() {
        InputRows rows = new InputRows(2, 4, 3);
        SeriesBuffer b = buffer();
        // step 17: seasons back are 13 (outlier 1000), 9, 5 -> median 9
        assertEquals(9f, rows.reference(b, 17));
        // step 6: only 2 is held one season back... and nothing before: the value itself
        assertEquals(2f, rows.reference(b, 6));
        // step 9: 5 and 1 -> their mean
        assertEquals(3f, rows.reference(b, 9));
        assertTrue(Float.isNaN(rows.reference(b, 3)));
    }

    @Test
    void rowLayoutIsValueCalendarThenReferences() {
        InputRows rows = new InputRows(2, 4, 1);
        assertEquals(1 + 4 + 3, rows.size());
        SeriesBuffer b = buffer();
        StreamingScaler scaler = new StreamingScaler(1);
        for (float v : new float[] {0f, 2f}) {
            scaler.update(new float[] {v});
        }
        float[] out = new float[rows.size() + 1];
        rows.write(b, 10, scaler, out, 1);
        assertEquals(scaler.transform(0, 10f), out[1]);
        assertEquals((float) Math.sin(2 * Math.PI * 10 / 24), out[2], 1e-6f, "10:00 UTC, time of day");
        assertEquals(scaler.transform(0, 6f), out[6], "reference of step 10: one season back");
        assertEquals(scaler.transform(0, 7f), out[7]);
        assertEquals(scaler.transform(0, 8f), out[8]);
    }
}
