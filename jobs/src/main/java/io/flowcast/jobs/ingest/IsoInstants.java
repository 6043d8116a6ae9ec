package io.flowcast.jobs.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Epoch milliseconds of an ISO-8601 instant, exactly as {@code Instant.parse(text).toEpochMilli()}.
 * Producers nearly always write the one shape {@code 2014-07-01T00:30:00Z} (optionally with a fraction
 * of a second), which is read here digit by digit; any other text (offsets, expanded years, a leap
 * second, anything malformed) goes to {@link Instant#parse}, so what is accepted and what is refused
 * never differs from it. {@code Instant.parse} runs a general formatter (field maps, a resolver) that
 * costs more per event than the rest of the parse.
 */
final class IsoInstants {

    private IsoInstants() {
    }

    /**
     * @throws DateTimeException   if {@link Instant#parse} refuses the text
     * @throws ArithmeticException if the instant does not fit epoch milliseconds
     */
    static long epochMillis(String text) {
        long millis = fastPath(text);
        return millis != Long.MIN_VALUE ? millis : Instant.parse(text).toEpochMilli();
    }

    /** The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or {@code Long.MIN_VALUE} for any other text. */
    private static long fastPath(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // between '.' and 'Z'
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return Long.MIN_VALUE;
            }
            nanos = digits(s, 20, fraction);
            if (nanos < 0) {
                return Long.MIN_VALUE;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long seconds = epochDay * 86_400 + hour * 3_600L + minute * 60L + second;
        return seconds * 1_000 + nanos / 1_000_000;
    }

    /** The number written by {@code count} ASCII digits from {@code from}, or -1 if one is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
