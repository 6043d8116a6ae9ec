package io.flowcast.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.records.Forecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClassicalAnchorsTest {

    /** Two series of 8 events, scored from event 2 at h=1, as the anchors' results files say it. */
    private static final String RESULTS = """
            {"protocol": "toy", "H": 1, "score_h": [1],
             "series": {"ETTh9/A": {"n": 8, "skip": 2}, "ETTh9/B": {"n": 8, "skip": 2}},
             "mean": {"persistence": {"1": {"nrmse": 0.9}, "cpu_s": 0},
                      "ets": {"1": {"nrmse": 0.4}}, "theta": {"1": {"nrmse": 0.5}}}}
            """;

    /** Key {@code key}: values 0, 1, 0, 1 ... forecast as {@code forecast}. */
    private static void series(String key, float forecast, Map<String, SeriesTruth.Series> truth,
                               SortedMap<String, List<Forecast>> forecasts) {
        float[] values = new float[8];
        List<Forecast> list = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            values[i] = i % 2;
            Forecast f = new Forecast();
            f.key = key;
            f.values = new float[] {forecast};
            list.add(f);
        }
        truth.put(key, new SeriesTruth.Series(new long[8], values, new String[8]));
        forecasts.put(key, list);
    }

    private static BacktestScores scores(Map<String, SeriesTruth.Series> truth, SortedMap<String, List<Forecast>> forecasts,
                                         int skip) {
        return BacktestScores.compute(truth, forecasts, 1, skip);
    }

    @Test
    void aProtocolWhoseSeriesAndRangeMatchIsComparedWithTheMeanOfTheSeriesFigures() throws Exception {
        ClassicalAnchors.Protocol p = ClassicalAnchors.parse("toy", new ObjectMapper().readTree(RESULTS));
        Map<String, SeriesTruth.Series> truth = new TreeMap<>();
        SortedMap<String, List<Forecast>> forecasts = new TreeMap<>();
        series("ett/ETTh9/A", 0.5f, truth, forecasts); // misses by 0.5 everywhere: NRMSE 0.5 / 0.5 = 1
        series("ett/ETTh9/B", 0.25f, truth, forecasts); // actuals 1,0,1,0,1 at 3..7: MSE (3 x 0.5625 + 2 x 0.0625) / 5
        series("ett/ETTh9/C", 0f, truth, forecasts); // not in the protocol: left out
        Map<String, Long> events = Map.of("ett/ETTh9/A", 8L, "ett/ETTh9/B", 8L, "ett/ETTh9/C", 8L);
        List<String> notes = new ArrayList<>();

        List<ClassicalAnchors.Row> rows = ClassicalAnchors.compare(List.of(p), scores(truth, forecasts, 2), events, 2, notes);

        assertThat(notes).isEmpty();
        assertThat(rows).hasSize(1);
        ClassicalAnchors.Row r = rows.get(0);
        assertThat(r.horizon()).isEqualTo(1);
        assertThat(r.flowcast()).isCloseTo((1.0 + Math.sqrt(0.3625) / 0.5) / 2, within(1e-6));
        assertThat(r.best().getKey()).isEqualTo("ets");
        assertThat(r.best().getValue()).isEqualTo(0.4);
        assertThat(r.classical()).containsOnlyKeys("persistence", "ets", "theta");
    }

    @Test
    void anotherRangeIsANoteAndAMissingSeriesOrLengthNoComparison() throws Exception {
        ClassicalAnchors.Protocol p = ClassicalAnchors.parse("toy", new ObjectMapper().readTree(RESULTS));
        Map<String, SeriesTruth.Series> truth = new TreeMap<>();
        SortedMap<String, List<Forecast>> forecasts = new TreeMap<>();
        series("ETTh9/A", 0.5f, truth, forecasts);
        series("ETTh9/B", 0.5f, truth, forecasts);
        List<String> notes = new ArrayList<>();

        assertThat(ClassicalAnchors.compare(List.of(p), scores(truth, forecasts, 0), Map.of("ETTh9/A", 8L, "ETTh9/B", 8L),
                0, notes)).isEmpty();
        assertThat(notes).containsExactly("toy: scored there from event 2 of each series, here from 0: run with --skip 2"
                + " to compare");

        notes.clear();
        assertThat(ClassicalAnchors.compare(List.of(p), scores(truth, forecasts, 2), Map.of("ETTh9/A", 8L, "ETTh9/B", 7L),
                2, notes)).isEmpty();
        assertThat(ClassicalAnchors.compare(List.of(p), scores(truth, forecasts, 2), Map.of("ETTh9/A", 8L), 2, notes))
                .isEmpty();
        assertThat(notes).isEmpty();
    }
}
