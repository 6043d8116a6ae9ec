package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.records.RejectReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Reads one CSV data file into observations, in file order. Layouts (all of {@code ../shared/data}):
 * <ul>
 *   <li>{@code timestamp,value}: one series, named by the file's key;
 *   <li>NuPIC (line 2 starts with {@code datetime}: a row of types, then a row of flags): both rows are
 *       skipped and only the first value column is read, as one series named by the file's key;
 *   <li>wide (more than one value column): one series per column, named {@code <file key>/<column>}.
 * </ul>
 * CRLF or LF line ends, with or without a final newline, and a UTF-8 byte-order mark are all fine.
 * Empty cells and {@code NA}, {@code NaN}, {@code null} are missing values (NaN). Timestamps are naive
 * local times ({@code yyyy-MM-dd HH:mm[:ss[.SSS]]}, or ISO with {@code T}) read as if UTC, so the
 * calendar features see the wall clock; the text is kept as the observation's raw timestamp.
 *
 * <p>A row it cannot use becomes a dead letter, never an exception, with the reasons of
 * {@link RejectReason}: {@code feature-count} (not the header's number of columns), {@code bad-time},
 * or {@code bad-value} (one cell; the row's other series are still read); with the line as raw value,
 * the file as topic and the line number as offset.
 */
public final class SeriesCsvReader {

    /** Where the rows go. */
    public interface Output {
        void observation(Observation observation);

        void unreadable(DeadLetter deadLetter);
    }

    private SeriesCsvReader() {
    }

    public static void read(SeriesFile file, Output out) throws IOException {
        try (BufferedReader in = open(file)) {
            Header header = Header.read(in, file.key);
            if (header == null) {
                return;
            }
            long lineNumber = header.lines();
            for (String line = header.firstRow(); line != null; line = in.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    readRow(file, line, lineNumber, header.width(), header.keys(), out);
                }
            }
        }
    }

    /** The series a file holds, in column order, from its header alone. */
    public static List<String> keys(SeriesFile file) throws IOException {
        try (BufferedReader in = open(file)) {
            Header header = Header.read(in, file.key);
            return header == null ? List.of() : List.of(header.keys());
        }
    }

    private static BufferedReader open(SeriesFile file) throws IOException {
        return new BufferedReader(
                new InputStreamReader(Files.newInputStream(Path.of(file.path)), StandardCharsets.UTF_8), 1 << 16);
    }

    /** The header: column count, series keys, lines it took, and the first data line (already read). */
    private record Header(int width, String[] keys, long lines, String firstRow) {

        static Header read(BufferedReader in, String fileKey) throws IOException {
            String first = in.readLine();
            if (first == null) {
                return null;
            }
            String[] columns = first.replace("\uFEFF", "").split(",", -1);
            if (columns.length < 2) {
                // Every row would then lack its value: say so once, before anything runs.
                throw new IllegalArgumentException(fileKey + ": the first line ("
                        + abbreviate(first) + ") has no value column; expected a header such as timestamp,value "
                        + "or timestamp,series1,series2,...");
            }
            String line = in.readLine();
            boolean nupic = line != null && line.toLowerCase(Locale.ROOT).startsWith("datetime");
            if (nupic) {
                in.readLine();
                line = in.readLine();
            }
            return new Header(columns.length, SeriesCsvReader.keys(fileKey, columns, nupic), nupic ? 3 : 1, line);
        }
    }

    private static String abbreviate(String line) {
        String printable = line.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? "'" + printable + "'" : "'" + printable.substring(0, 40) + "...'";
    }

    private static String[] keys(String fileKey, String[] columns, boolean nupic) {
        if (nupic || columns.length <= 2) {
            return new String[] {fileKey};
        }
        String[] keys = new String[columns.length - 1];
        for (int c = 1; c < columns.length; c++) {
            keys[c - 1] = fileKey + "/" + columns[c].trim();
        }
        return keys;
    }

    private static void readRow(SeriesFile file, String line, long lineNumber, int width, String[] keys, Output out) {
        String[] cells = line.split(",", -1);
        if (cells.length != width) {
            out.unreadable(deadLetter(file, line, lineNumber, RejectReason.FEATURE_COUNT,
                    "expected " + width + " columns, got " + cells.length));
            return;
        }
        String raw = cells[0].trim();
        long time;
        try {
            time = parseTimestamp(raw);
        } catch (DateTimeException | NumberFormatException e) {
            out.unreadable(deadLetter(file, line, lineNumber, RejectReason.BAD_TIME, "cannot read '" + raw + "' as a time"));
            return;
        }
        for (int k = 0; k < keys.length; k++) {
            String cell = cells[k + 1].trim();
            float value;
            try {
                value = parseValue(cell);
            } catch (NumberFormatException e) {
                out.unreadable(deadLetter(file, line, lineNumber, RejectReason.BAD_VALUE,
                        "series " + keys[k] + ": cannot read '" + cell + "' as a number"));
                continue;
            }
            out.observation(new Observation(keys[k], time, raw, new float[] {value}));
        }
    }

    static float parseValue(String cell) {
        if (cell.isEmpty() || cell.equalsIgnoreCase("NA") || cell.equalsIgnoreCase("NaN")
                || cell.equalsIgnoreCase("null")) {
            return Float.NaN;
        }
        return Float.parseFloat(cell);
    }

    /** Epoch milliseconds of a naive local time read as UTC. */
    static long parseTimestamp(String raw) {
        if (raw.length() == 19 && raw.charAt(4) == '-' && raw.charAt(7) == '-'
                && (raw.charAt(10) == ' ' || raw.charAt(10) == 'T') && raw.charAt(13) == ':' && raw.charAt(16) == ':') {
            // The common "yyyy-MM-dd HH:mm:ss", without a parser per row.
            return LocalDateTime.of(digits(raw, 0, 4), digits(raw, 5, 7), digits(raw, 8, 10),
                    digits(raw, 11, 13), digits(raw, 14, 16), digits(raw, 17, 19))
                    .toEpochSecond(ZoneOffset.UTC) * 1000;
        }
        return LocalDateTime.parse(raw.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException("not a digit in " + s);
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static DeadLetter deadLetter(SeriesFile file, String line, long lineNumber, RejectReason reason,
                                         String detail) {
        String raw = Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8));
        return new DeadLetter(raw, file.path, -1, lineNumber, reason.code(), detail);
    }
}
