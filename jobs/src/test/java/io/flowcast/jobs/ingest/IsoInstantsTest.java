package io.flowcast.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path must agree with {@code Instant.parse} on every text, accepted or refused. */
class IsoInstantsTest {

    @Test
    void agreesWithInstantParseOnTheCommonShapes() {
        for (String s : List.of("2014-07-01T00:30:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
                "1900-02-28T12:00:00.5Z", "2000-02-29T23:59:59.123456789Z", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.9Z", "2024-12-31T10:11:12.000001Z", "1960-06-15T01:02:03.004Z")) {
            assertEquals(Instant.parse(s).toEpochMilli(), IsoInstants.epochMillis(s), s);
        }
    }

    @Test
    void leavesEveryOtherShapeToInstantParse() {
        for (String s : List.of("2014-07-01T00:30:00+02:00", "+12014-07-01T00:30:00Z", "2016-12-31T23:59:60Z",
                "2014-07-01T24:00:00Z", "2014-07-01T00:30:00.Z",
                "2014-07-01T00:30:00z")) { // as Instant.parse reads them
            assertEquals(Instant.parse(s).toEpochMilli(), IsoInstants.epochMillis(s), s);
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String s : List.of("2014-13-01T00:30:00Z", "2014-02-29T00:30:00Z", "2014-04-31T00:00:00Z",
                "2014-07-01T00:60:00Z", "2014-07-01 00:30:00Z", "2014-07-01T00:30:00",
                "2014-07-01T00:30:00.1234567890Z", "2014-07-0aT00:30:00Z", "",
                "2014-00-01T00:30:00Z", "2014-07-00T00:30:00Z")) {
            assertThrows(DateTimeException.class, () -> Instant.parse(s), s);
            assertThrows(DateTimeException.class, () -> IsoInstants.epochMillis(s), s);
        }
    }

    @Test
    void agreesOnRandomInstantsAndMutations() {
        Random random = new Random(7);
        String digits = "0123456789";
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong() % 250_000_000_000_000L; // about ±8,000 years
            String s = Instant.ofEpochMilli(millis).toString();
            if (i % 2 == 0) { // change one character to a digit, often an invalid field
                char[] c = s.toCharArray();
                c[random.nextInt(c.length)] = digits.charAt(random.nextInt(10));
                s = new String(c);
            }
            Long expected;
            try {
                expected = Instant.parse(s).toEpochMilli();
            } catch (DateTimeException e) {
                expected = null;
            }
            String text = s;
            if (expected == null) {
                assertThrows(DateTimeException.class, () -> IsoInstants.epochMillis(text), text);
            } else {
                assertEquals(expected, IsoInstants.epochMillis(s), s);
            }
        }
    }
}
