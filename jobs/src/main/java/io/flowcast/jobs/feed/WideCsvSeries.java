package io.flowcast.jobs.feed;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a wide CSV ({@code timestamp,seriesA,seriesB,...}) as a stream of single observations, row
 * by row and, within a row, column by column: event-time order across all series. Timestamps are
 * naive local times ({@code yyyy-MM-dd HH:mm:ss}) read in the given zone; {@code NA} or an empty cell
 * is a missing value. Streams the file (the Beijing file melts to 420,768 events).
 */
public final class WideCsvSeries implements Iterator<WideCsvSeries.Event>, Closeable {

    /** One observation: {@code value} null when missing. */
    public record Event(String key, Instant ts, Double value) {
    }

    private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path file;
    private final BufferedReader reader;
    private final ZoneId zone;
    private final List<String> keys;
    private final Instant firstTimestamp;
    private long lineNumber = 1;
    private String[] row;
    private Instant rowTime;
    private int column;

    public WideCsvSeries(Path file, ZoneId zone) throws IOException {
        this.file = file;
        this.zone = zone;
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        String header = reader.readLine();
        if (header == null) {
            reader.close();
            throw new IOException(file + " is empty");
        }
        String[] names = header.split(",", -1);
        if (names.length < 2) {
            reader.close();
            throw new IOException(file + ": expected a header timestamp,series1,..., got " + header);
        }
        keys = List.of(Arrays.copyOfRange(names, 1, names.length));
        advanceRow();
        firstTimestamp = rowTime;
    }

    /** The time of the first row, or null if the file has no rows. */
    public Instant firstTimestamp() {
        return firstTimestamp;
    }

    /** The series names, in column order. */
    public List<String> keys() {
        return keys;
    }

    @Override
    public boolean hasNext() {
        return row != null;
    }

    @Override
    public Event next() {
        if (row == null) {
            throw new NoSuchElementException();
        }
        String cell = row[column + 1].trim();
        Event e = new Event(keys.get(column), rowTime, parseValue(cell));
        if (++column == keys.size()) {
            advanceRow();
        }
        return e;
    }

    private Double parseValue(String cell) {
        if (cell.isEmpty() || cell.equals("NA")) {
            return null;
        }
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + lineNumber + ": not a number: " + cell);
        }
    }

    private void advanceRow() {
        try {
            String line;
            do {
                line = reader.readLine();
                lineNumber++;
            } while (line != null && line.isBlank());
            if (line == null) {
                row = null;
                return;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != keys.size() + 1) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": expected " + (keys.size() + 1)
                        + " cells, got " + cells.length);
            }
            rowTime = LocalDateTime.parse(cells[0].trim(), NAIVE).atZone(zone).toInstant();
            row = cells;
            column = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + ":" + lineNumber + ": bad timestamp: " + e.getParsedString());
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
