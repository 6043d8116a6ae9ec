package io.flowcast.model.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalendarFeaturesTest {

    private static final float EPS = 1e-6f;

    private static float[] at(CalendarFeatures c, String instant) {
        float[] out = new float[4];
        c.write(Instant.parse(instant).toEpochMilli(), out, 0);
        return out;
    }

    /** The four expected floats for a fraction of day and a day of week (Monday = 0). */
    private static float[] expected(double dayFraction, int dayOfWeek) {
        return new float[] {
            (float) Math.sin(2 * Math.PI * dayFraction), (float) Math.cos(2 * Math.PI * dayFraction),
            (float) Math.sin(2 * Math.PI * dayOfWeek / 7), (float) Math.cos(2 * Math.PI * dayOfWeek / 7)};
    }

    @Test
    void knownUtcInstants() {
        CalendarFeatures utc = new CalendarFeatures();
        assertEquals(ZoneOffset.UTC, utc.zone());
        // 2014-07-01 was a Tuesday: day 1; 00:30 is 1/48 of the day
        assertArrayEquals(expected(1.0 / 48, 1), at(utc, "2014-07-01T00:30:00Z"), EPS);
        assertArrayEquals(new float[] {0f, 1f, 0f, 1f}, at(utc, "2024-01-01T00:00:00Z"), 0f, "Monday midnight");
        assertArrayEquals(expected(0.5, 3), at(utc, "1970-01-01T12:00:00Z"), EPS, "the epoch was a Thursday");
        assertArrayEquals(expected(0.75, 6), at(utc, "2024-01-07T18:00:00Z"), EPS, "Sunday 18:00");
        assertArrayEquals(expected(86_399_999.0 / 86_400_000, 6), at(utc, "2024-01-07T23:59:59.999Z"), EPS);
        assertArrayEquals(expected(1.0 / 24 * 23, 2), at(utc, "1969-12-31T23:00:00Z"), EPS,
                "before the epoch: floor division, Wednesday 23:00");
        assertArrayEquals(expected(0.25, 0), at(utc, "1900-01-01T06:00:00Z"), EPS, "1900-01-01 was a Monday");
    }

    @Test
    void exactValuesAtQuarterDays() {
        float[] v = at(new CalendarFeatures(), "2014-07-01T06:00:00Z");
        assertEquals(1f, v[0], 0f);
        assertEquals(0f, v[1], 1e-7f);
    }

    @Test
    void daylightSavingUsesWallClock() {
        CalendarFeatures berlin = new CalendarFeatures(ZoneId.of("Europe/Berlin"));
        // spring forward on Sunday 2024-03-31: 02:00 CET -> 03:00 CEST at 01:00Z
        assertArrayEquals(expected(1.5 / 24, 6), at(berlin, "2024-03-31T00:30:00Z"), EPS, "01:30 CET");
        assertArrayEquals(expected(3.5 / 24, 6), at(berlin, "2024-03-31T01:30:00Z"), EPS, "03:30 CEST");
        assertArrayEquals(expected(3.0 / 24, 6), at(berlin, "2024-03-31T01:00:00Z"), EPS, "the transition instant");
        assertArrayEquals(expected((2.0 - 1e-3 / 3600) / 24, 6), at(berlin, "2024-03-31T00:59:59.999Z"), EPS);
        // fall back on 2024-10-27: 02:30 happens twice and gets the same features
        assertArrayEquals(at(berlin, "2024-10-27T00:30:00Z"), at(berlin, "2024-10-27T01:30:00Z"), 0f);
        assertArrayEquals(expected(2.5 / 24, 6), at(berlin, "2024-10-27T01:30:00Z"), EPS);
        // Berlin's Monday starts at Sunday 23:00Z in winter
        assertArrayEquals(expected(0, 0), at(berlin, "2024-01-07T23:00:00Z"), EPS);
    }

    @Test
    void matchesJavaTimeInManyZonesInAnyOrder() {
        String[] zones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
            "America/St_Johns", "Pacific/Chatham", "Etc/GMT+10"};
        SplittableRandom r = new SplittableRandom(5);
        for (String id : zones) {
            ZoneId zone = ZoneId.of(id);
            CalendarFeatures c = new CalendarFeatures(zone);
            List<Long> instants = new ArrayList<>();
            ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse("2019-01-01T00:00:00Z"));
            for (int i = 0; i < 8 && t != null; i++) {
                long ms = t.getInstant().toEpochMilli();
                instants.add(ms - 1);
                instants.add(ms);
                instants.add(ms + 1);
                t = zone.getRules().nextTransition(t.getInstant());
            }
            for (int i = 0; i < 2000; i++) {
                instants.add(r.nextLong(-2_000_000_000_000L, 4_000_000_000_000L));
            }
            for (int i = 0; i < instants.size(); i++) { // random order: cache misses in both directions
                int j = r.nextInt(i, instants.size());
                long tmp = instants.get(i);
                instants.set(i, instants.get(j));
                instants.set(j, tmp);
            }
            float[] out = new float[4];
            for (long ms : instants) {
                ZonedDateTime z = Instant.ofEpochMilli(ms).atZone(zone);
                double day = z.toLocalTime().toNanoOfDay() / 1e6 / 86_400_000.0;
                int dow = z.getDayOfWeek().getValue() - 1;
                c.write(ms, out, 0);
                assertArrayEquals(expected(day, dow), out, EPS, id + " at " + z);
            }
        }
    }

    @Test
    void writesOnlyItsFourFloatsAtTheOffset() {
        float[] out = {7f, 7f, 7f, 7f, 7f, 7f, 7f};
        new CalendarFeatures().write(Instant.parse("2014-07-01T00:30:00Z").toEpochMilli(), out, 2);
        assertEquals(7f, out[0], 0f);
        assertEquals(7f, out[1], 0f);
        assertEquals(7f, out[6], 0f);
        assertArrayEquals(expected(1.0 / 48, 1), new float[] {out[2], out[3], out[4], out[5]}, EPS);
        assertThrows(IllegalArgumentException.class, () -> new CalendarFeatures().write(0L, out, 4));
        assertThrows(IllegalArgumentException.class, () -> new CalendarFeatures().write(0L, out, -1));
    }

    @Test
    void utcAndInZoneStreamsAllocateNothing() {
        long start = Instant.parse("2024-04-02T00:00:00Z").toEpochMilli();
        for (CalendarFeatures c : new CalendarFeatures[] {
            new CalendarFeatures(), new CalendarFeatures(ZoneId.of("Europe/Berlin"))}) {
            float[] out = new float[4];
            long bytes = AllocationMeter.bytesAllocatedBy(() -> {
                for (int i = 0; i < 100_000; i++) {
                    c.write(start + i * 15_000L, out, 0); // 15 s apart: 17 days, no transition
                }
            });
            assertTrue(bytes < 1024, c + " allocated " + bytes + " bytes for 100k timestamps");
        }
    }

    @Test
    void toStringNamesTheZone() {
        assertEquals("CalendarFeatures{zone=Europe/Berlin, size=4}",
                new CalendarFeatures(ZoneId.of("Europe/Berlin")).toString());
    }
}
