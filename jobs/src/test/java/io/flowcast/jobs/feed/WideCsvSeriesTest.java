package io.flowcast.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WideCsvSeriesTest {

    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    private static Path beijing() {
        return Path.of(System.getProperty("flowcast.shared", "../../shared"), "data", "beijing_air",
                "beijing_pm25_12stations_hourly.csv");
    }

    @Test
    void meltsTheBeijingFileRowByRowInBeijingTime() throws Exception {
        List<WideCsvSeries.Event> first = new ArrayList<>();
        long count = 0;
        long missing = 0;
        Instant previous = Instant.MIN;
        try (WideCsvSeries s = new WideCsvSeries(beijing(), BEIJING)) {
            assertThat(s.keys()).hasSize(12).startsWith("Aotizhongxin").endsWith("Wanshouxigong");
            // 2013-03-01 00:00 in Beijing (UTC+08:00, no DST) is 16:00 UTC the day before.
            assertThat(s.firstTimestamp()).isEqualTo(Instant.parse("2013-02-28T16:00:00Z"));
            while (s.hasNext()) {
                WideCsvSeries.Event e = s.next();
                if (first.size() < 13) {
                    first.add(e);
                }
                assertThat(e.ts()).isAfterOrEqualTo(previous); // event-time order across all keys
                previous = e.ts();
                count++;
                if (e.value() == null) {
                    missing++;
                }
            }
        }
        assertThat(first.get(0)).isEqualTo(new WideCsvSeries.Event("Aotizhongxin", Instant.parse("2013-02-28T16:00:00Z"), 4.0));
        assertThat(first.get(3)).isEqualTo(new WideCsvSeries.Event("Dongsi", Instant.parse("2013-02-28T16:00:00Z"), 9.0));
        assertThat(first.get(12)).isEqualTo(new WideCsvSeries.Event("Aotizhongxin", Instant.parse("2013-02-28T17:00:00Z"), 8.0));
        assertThat(count).isEqualTo(35_064L * 12);
        // The data README counts the NA cells per station; they add up to 8,739.
        assertThat(missing).isEqualTo(925 + 774 + 779 + 750 + 616 + 646 + 953 + 628 + 913 + 677 + 382 + 696);
        assertThat(previous).isEqualTo(Instant.parse("2017-02-28T15:00:00Z"));
    }

    @Test
    void blankAndNaCellsAreMissingAndBadCellsNameTheirLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("wide.csv");
        Files.writeString(csv, "timestamp,a,b\r\n2020-01-01 00:00:00,1.5,NA\r\n2020-01-01 01:00:00,,2\r\n2020-01-01 02:00:00,x,3");
        try (WideCsvSeries s = new WideCsvSeries(csv, ZoneId.of("UTC"))) {
            assertThat(s.next()).isEqualTo(new WideCsvSeries.Event("a", Instant.parse("2020-01-01T00:00:00Z"), 1.5));
            assertThat(s.next().value()).isNull();
            assertThat(s.next().value()).isNull();
            assertThat(s.next().value()).isEqualTo(2.0);
            assertThatThrownBy(s::next).hasMessageContaining("wide.csv:4").hasMessageContaining("x");
        }
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsAnError(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("short.csv");
        Files.writeString(csv, "timestamp,a,b\n2020-01-01 00:00:00,1\n");
        assertThatThrownBy(() -> new WideCsvSeries(csv, ZoneId.of("UTC"))).hasMessageContaining("expected 3 cells");
    }
}
