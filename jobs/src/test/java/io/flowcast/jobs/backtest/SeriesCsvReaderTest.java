package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.SharedData;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every layout and quirk of the data files, checked against the facts in ../shared/data/README.md. */
class SeriesCsvReaderTest {

    private final List<Observation> observations = new ArrayList<>();
    private final List<DeadLetter> unreadable = new ArrayList<>();
    private final SeriesCsvReader.Output collect = new SeriesCsvReader.Output() {
        @Override
        public void observation(Observation o) {
            observations.add(o);
        }

        @Override
        public void unreadable(DeadLetter d) {
            unreadable.add(d);
        }
    };

    @Test
    void nupicFileWithCrlfSkipsTheTypeRowsAndReadsTheFirstValueColumn() throws IOException {
        read("htmresearch/nyc_taxi.csv", "nyc_taxi");

        assertThat(observations).hasSize(17_520);
        Observation first = observations.get(0);
        assertThat(first.key).isEqualTo("nyc_taxi");
        assertThat(first.rawTimestamp).isEqualTo("2014-07-01 00:00:00");
        assertThat(first.values).containsExactly(10844f);
        assertThat(observations.get(17_519).rawTimestamp).isEqualTo("2015-06-30 23:30:00");
        assertThat(unreadable).isEmpty();
    }

    @Test
    void twoColumnFileWithoutTrailingNewlineReadsItsLastRow() throws IOException {
        read("nab/realKnownCause/nyc_taxi.csv", "nab/realKnownCause/nyc_taxi");

        assertThat(observations).hasSize(10_320);
        Observation last = observations.get(10_319);
        assertThat(last.rawTimestamp).isEqualTo("2015-01-31 23:30:00");
        assertThat(last.values).containsExactly(26288f);
        assertThat(last.timestamp - observations.get(10_318).timestamp).isEqualTo(30 * 60_000L);
    }

    @Test
    void machineTemperatureKeepsItsClockStepBackInFileOrder() throws IOException {
        read("nab/realKnownCause/machine_temperature_system_failure.csv", "machine");

        assertThat(observations).hasSize(22_695);
        // data row i is file line i + 2; lines 10150 and 10151 step back from 02:55 to 02:00
        assertThat(observations.get(10_148).rawTimestamp).isEqualTo("2014-01-07 02:55:00");
        assertThat(observations.get(10_149).rawTimestamp).isEqualTo("2014-01-07 02:00:00");
    }

    @Test
    void wideFileGivesOneSeriesPerColumnWithNaAsMissing() throws IOException {
        read("beijing_air/beijing_pm25_12stations_hourly.csv", "beijing");

        Map<String, int[]> countAndMissing = new TreeMap<>();
        for (Observation o : observations) {
            int[] c = countAndMissing.computeIfAbsent(o.key, k -> new int[2]);
            c[0]++;
            c[1] += Float.isNaN(o.values[0]) ? 1 : 0;
        }
        assertThat(countAndMissing).hasSize(12);
        assertThat(countAndMissing.get("beijing/Aotizhongxin")).containsExactly(35_064, 925);
        assertThat(countAndMissing.get("beijing/Wanliu")).containsExactly(35_064, 382);
        assertThat(unreadable).isEmpty();
    }

    @Test
    void ettFileGivesOneSeriesPerNumericColumn() throws IOException {
        read("ett/ETTh1.csv", "ETTh1");

        assertThat(observations).hasSize(17_420 * 7);
        assertThat(observations.get(6).key).isEqualTo("ETTh1/OT");
        assertThat(observations.get(6).values).containsExactly(30.5310001373291f);
    }

    @Test
    void unreadableRowsBecomeDeadLettersWithFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("odd.csv");
        Files.writeString(file, "\uFEFFtimestamp,a,b\r\n"
                + "2020-01-01 00:00:00,1,2\r\n"
                + "\r\n"
                + "2020-01-01 01:00:00,1\r\n"
                + "yesterday,1,2\r\n"
                + "2020-01-01T02:00,x,NA\r\n"
                + "2020-01-01 03:00:00.500,,4", StandardCharsets.UTF_8);

        SeriesCsvReader.read(new SeriesFile(file.toString(), "odd"), collect);

        assertThat(observations).extracting(o -> o.key + "@" + o.rawTimestamp + "=" + o.values[0]).containsExactly(
                "odd/a@2020-01-01 00:00:00=1.0", "odd/b@2020-01-01 00:00:00=2.0",
                "odd/b@2020-01-01T02:00=NaN",
                "odd/a@2020-01-01 03:00:00.500=NaN", "odd/b@2020-01-01 03:00:00.500=4.0");
        assertThat(observations.get(4).timestamp - observations.get(0).timestamp).isEqualTo(3 * 3_600_000L + 500);
        assertThat(unreadable).extracting(d -> d.reason + "@" + d.offset)
                .containsExactly("feature-count@4", "bad-time@5", "bad-value@6");
        assertThat(unreadable.get(0).topic).isEqualTo(file.toString());
        assertThat(new String(Base64.getDecoder().decode(unreadable.get(1).rawBase64), StandardCharsets.UTF_8))
                .isEqualTo("yesterday,1,2");
    }

    @Test
    void aFolderIsSearchedRecursivelyAndKeysAreRelativePaths() throws IOException {
        List<SeriesFile> files = SeriesFiles.list(SharedData.dir());

        assertThat(files).hasSize(21);
        assertThat(files).extracting(f -> f.key).contains("htmresearch/nyc_taxi", "nab/realKnownCause/nyc_taxi",
                "ett/ETTh1", "beijing_air/beijing_pm25_12stations_hourly");
        assertThat(SeriesFiles.list(SharedData.file("ett/ETTh2.csv"))).extracting(f -> f.key).containsExactly("ETTh2");
    }

    private void read(String relative, String key) throws IOException {
        SeriesCsvReader.read(new SeriesFile(SharedData.file(relative).toString(), key), collect);
    }
}
