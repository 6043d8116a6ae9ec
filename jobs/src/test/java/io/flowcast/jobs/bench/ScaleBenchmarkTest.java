package io.flowcast.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.ingest.ObservationParser;
import io.flowcast.jobs.ingest.ParseResult;
import io.flowcast.jobs.kafka.RawKafkaRecord;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.OnlineRecipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The pieces of {@code bench scale} that need no cluster: its series, its REST parsing, its output. */
class ScaleBenchmarkTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void eachPartEmitsItsOwnSeriesHourByHourAndEverySeriesOnlyGoesForward() throws Exception {
        int keys = 7;
        int parts = 2;
        int hours = 5;
        ScaleBenchmark.HourlySeries series = new ScaleBenchmark.HourlySeries(keys, parts, hours);
        long count = ScaleBenchmark.HourlySeries.count(keys, parts, hours);
        assertThat(count % parts).as("equal parts, as the generator source splits its count").isZero();
        long perPart = count / parts;
        ObservationParser parser = new ObservationParser(1);
        Map<String, Long> lastTime = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int part = 0; part < parts; part++) {
            long hourOfPart = Long.MIN_VALUE;
            TreeSet<String> atThisHour = new TreeSet<>();
            TreeSet<String> own = new TreeSet<>();
            for (long i = part * perPart; i < (part + 1) * perPart; i++) {
                RawKafkaRecord r = series.map(i);
                ParseResult parsed = parser.parse(r.value, r.key);
                assertThat(parsed).as("record %d: %s", i, new String(r.value, StandardCharsets.UTF_8))
                        .isInstanceOf(ParseResult.Accepted.class);
                Observation o = ((ParseResult.Accepted) parsed).observation();
                assertThat(new String(r.key, StandardCharsets.UTF_8)).isEqualTo(o.key);
                int id = Integer.parseInt(o.key.substring("series-".length()));
                assertThat(id % parts).as("part %d owns series k = part (mod parts)", part).isEqualTo(part);
                assertThat((o.timestamp - ScaleBenchmark.HourlySeries.START) % HOUR).isZero();
                // All of the part's series at t before any at t + 1h.
                if (o.timestamp != hourOfPart) {
                    assertThat(o.timestamp).isEqualTo(hourOfPart == Long.MIN_VALUE ? ScaleBenchmark.HourlySeries.START
                            : hourOfPart + HOUR);
                    if (hourOfPart != Long.MIN_VALUE) {
                        assertThat(atThisHour).isEqualTo(own);
                    }
                    hourOfPart = o.timestamp;
                    atThisHour.clear();
                }
                assertThat(atThisHour.add(o.key)).as("one event per series and hour").isTrue();
                own.add(o.key);
                Long before = lastTime.put(o.key, o.timestamp);
                assertThat(before == null ? ScaleBenchmark.HourlySeries.START : before + HOUR).isEqualTo(o.timestamp);
                seen.merge(o.key, 1, Integer::sum);
                assertThat(o.values[0]).isBetween(20f, 110f);
            }
        }
        assertThat(seen).hasSize(keys);
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(hours));
        // 7 series over 2 parts: 4 and 3; the part with 3 runs 20 events, 6 hours and 2 series of the 7th.
        assertThat(seen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
    }

    @Test
    void valuesFollowADailyCycleWithLowerWeekends() {
        double noon = ScaleBenchmark.HourlySeries.value(3, 12);
        double midnight = ScaleBenchmark.HourlySeries.value(3, 0);
        double saturdayNoon = ScaleBenchmark.HourlySeries.value(3, 5 * 24 + 12);
        assertThat(noon).isGreaterThan(midnight);
        assertThat(saturdayNoon).isLessThan(noon);
        assertThat(ScaleBenchmark.HourlySeries.value(3, 12)).isEqualTo(noon); // deterministic
        assertThat(ScaleBenchmark.HourlySeries.value(4, 12)).isNotEqualTo(noon); // per-series level
    }

    @Test
    void refusesFewerSeriesThanParts() {
        assertThatThrownBy(() -> new ScaleBenchmark.HourlySeries(1, 2, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultHoursCoverTwoFitsOfTheRecipe() {
        TrainingSettings training = TrainingSettings.defaults(ForecastSettings.defaults().horizons(),
                ModelNames.fixed(ForecastSettings.DEFAULT_MODEL));
        OnlineRecipe r = training.recipe(ScaleBenchmark.STEP);
        long every = r.retrainEvery().toHours();
        assertThat(ScaleBenchmark.defaultHours(training)).isGreaterThan(r.window() + r.season() + r.horizon() + (int) every);
        assertThat(ScaleBenchmark.defaultHours(training.with("every", "24h")))
                .isLessThan(ScaleBenchmark.defaultHours(training));
    }

    @Test
    void readsTheCheckpointStatisticsOfTheRestApi() throws Exception {
        String json = """
                {"counts":{"restored":0,"total":4,"in_progress":1,"completed":2,"failed":1},
                 "summary":{"checkpointed_size":{"min":10,"max":700,"avg":400},
                            "state_size":{"min":10,"max":900,"avg":500},
                            "end_to_end_duration":{"min":20,"max":4100,"avg":900}},
                 "latest":{"completed":{"id":3,"status":"COMPLETED","trigger_timestamp":3000,"state_size":900,
                                        "checkpointed_size":700,"end_to_end_duration":4100},
                           "savepoint":null,"failed":null,"restored":null},
                 "history":[{"id":4,"status":"IN_PROGRESS","trigger_timestamp":4000,"state_size":0},
                            {"id":3,"status":"COMPLETED","trigger_timestamp":3000,"state_size":900,"checkpointed_size":700},
                            {"id":2,"status":"FAILED","trigger_timestamp":2000,"state_size":0,
                             "failure_message":"Checkpoint expired before completing."},
                            {"id":1,"status":"COMPLETED","trigger_timestamp":1000,"state_size":300,"checkpointed_size":300}]}
                """;
        ScaleBenchmark.CheckpointStats s = ScaleBenchmark.CheckpointStats.parse(new ObjectMapper().readTree(json));

        assertThat(s.completed()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.inProgress()).isEqualTo(1);
        assertThat(s.maxDurationMillis()).isEqualTo(4100);
        assertThat(s.maxCheckpointedBytes()).isEqualTo(700);
        assertThat(s.maxStateBytes()).isEqualTo(900);
        assertThat(s.history()).filteredOn(ScaleBenchmark.Checkpoint::completed)
                .extracting(ScaleBenchmark.Checkpoint::stateBytes).contains(300L, 900L);
        assertThat(s.history()).filteredOn(ScaleBenchmark.Checkpoint::failed)
                .extracting(ScaleBenchmark.Checkpoint::failure).containsExactly("Checkpoint expired before completing.");
    }

    @Test
    void printsEveryFigureInTheAgreedForm() {
        ScaleBenchmark.CheckpointStats checkpoints = new ScaleBenchmark.CheckpointStats(5, 0, 0, 4100, 812_000_000L,
                812_000_000L, List.of());
        ScaleBenchmark.JobFigures full = new ScaleBenchmark.JobFigures(40_000_000, 210_000.4, 0, 190_000, false,
                checkpoints, 610_000_000L, true, 5_100_000_000L, 3, 12_500, 3, 24_100, 50_000, 0, List.of());
        ScaleBenchmark.JobFigures passThrough = new ScaleBenchmark.JobFigures(40_000_000, 400_000, 0, 100_000, false,
                checkpoints, 0, true, 0, 0, 0, 0, 0, 0, 0, List.of());

        List<String> lines = ScaleBenchmark.lines(100_000, "hashmap", full, passThrough);

        assertThat(lines).containsExactly(
                "scale keys=100000 backend=hashmap events/s 210000",
                "scale keys=100000 backend=hashmap pass-through events/s 400000",
                "scale keys=100000 backend=hashmap ratio 0.53",
                "scale keys=100000 backend=hashmap checkpoint max-seconds 4.1 max-bytes 812000000",
                "scale keys=100000 backend=hashmap state bytes-per-key 6100",
                "scale keys=100000 backend=hashmap model-record bytes 24100",
                "scale keys=100000 backend=hashmap fits 3 windows-per-fit 50000 max-fit-seconds 12.5",
                "scale keys=100000 backend=hashmap heap-max-bytes 5100000000");
        String number = "\\d+(\\.\\d+)?";
        String[] forms = {"events/s N", "pass-through events/s N", "ratio N", "checkpoint max-seconds N max-bytes N( failed N)?",
            "state bytes-per-key N", "model-record bytes N", "fits N windows-per-fit N max-fit-seconds N", "heap-max-bytes N"};
        List<String> patterns = new ArrayList<>();
        for (String form : forms) {
            patterns.add("scale keys=\\d+ backend=(hashmap|rocksdb) " + form.replace("N", number));
        }
        ScaleBenchmark.CheckpointStats failing = new ScaleBenchmark.CheckpointStats(5, 4, 0, 4100, 1, 1, List.of());
        List<ScaleBenchmark.Checkpoint> failures = List.of(failure(2, 500), failure(3, 900), failure(4, 1_500));
        List<String> withFailures = ScaleBenchmark.lines(1_000_000, "rocksdb", new ScaleBenchmark.JobFigures(1, 1, 100, 1_000,
                true, failing, 1, true, 1, 0, 0, 0, 0, 0, 0, failures), passThrough);
        assertThat(withFailures.get(3)).as("only the failures during the load").endsWith(" failed 2");
        for (List<String> printed : List.of(lines, withFailures)) {
            for (int i = 0; i < forms.length; i++) {
                assertThat(printed.get(i)).matches(patterns.get(i));
            }
        }
        assertThat(ScaleBenchmark.lines(100_000, "hashmap", full, null)).containsExactly(lines.get(0));
    }

    private static ScaleBenchmark.Checkpoint failure(long id, long triggerMillis) {
        return new ScaleBenchmark.Checkpoint(id, "FAILED", triggerMillis, 0, 0, 0, "declined");
    }
}
