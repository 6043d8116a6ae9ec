package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardViewTest {

    private static final long HOUR = 3_600_000L;

    private static ForecastPoint point(long i, long version, double observed) {
        float[] values = {(float) (100 + i + 1), (float) (100 + i + 2), (float) (100 + i + 3)};
        float[] p10 = {(float) (i + 1 - 0.5), (float) (i + 2 - 0.5), (float) (i + 3 - 0.5)};
        float[] p90 = {(float) (i + 1 + 0.5), (float) (i + 2 + 0.5), (float) (i + 3 + 0.5)};
        return new ForecastPoint(i * HOUR, observed, version, values, p10, p90);
    }

    private static ErrorPoint error(long target, int h, double mae, double persistenceMae, Boolean anomaly) {
        return new ErrorPoint(target - h * HOUR, target, h, 1, 2, 0, null, mae, mae, persistenceMae, persistenceMae,
                Double.NaN, Double.NaN, Double.NaN, anomaly, Double.NaN, Double.NaN, Double.NaN);
    }

    @Test
    void aSeriesHoldsItsLastPointsErrorsAndAnomaliesOnly() {
        DashboardView view = new DashboardView(new DashboardSettings(10, 5, 4, 3, 20, 50));
        for (int i = 0; i < 25; i++) {
            view.addForecast("a", point(i, 0, i));
            view.addError("a", error(i * HOUR, 1, 1, 2, true));
            view.addError("a", error(i * HOUR, 2, 1, 2, null));
        }
        SeriesChart chart = view.chart("a", 1).orElseThrow();
        assertThat(chart.times()).hasSize(10).startsWith(15 * HOUR).endsWith(24 * HOUR);
        assertThat(chart.errors()).extracting(SeriesChart.HorizonError::horizon).containsExactly(1, 2);
        // Only the last 3 anomalies are held (and drawn), but all 25 are counted.
        assertThat(chart.anomalies()).extracting(SeriesChart.Marker::time).containsExactly(22 * HOUR, 23 * HOUR, 24 * HOUR);
        assertThat(chart.anomalyCount()).isEqualTo(25);
        assertThat(view.summary("a").orElseThrow().anomalies()).isEqualTo(25);
    }

    @Test
    void theLeastRecentlyUpdatedSeriesIsEvictedAndTheOverviewSaysSo() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 3));
        view.addForecast("a", point(0, 0, 1));
        view.addForecast("b", point(0, 0, 1));
        view.addForecast("c", point(0, 0, 1));
        view.addError("a", error(0, 1, 1, 1, false)); // a is now the most recently updated
        view.addForecast("d", point(0, 0, 1));
        assertThat(view.keys()).containsExactly("c", "a", "d");
        view.addForecast("e", point(0, 0, 1));
        assertThat(view.keys()).containsExactly("a", "d", "e");
        Overview o = view.overview();
        assertThat(o.series()).isEqualTo(3);
        assertThat(o.maxSeries()).isEqualTo(3);
        assertThat(o.evicted()).isEqualTo(2);
        assertThat(view.chart("b", 1)).isEmpty();
    }

    @Test
    void aForecastNotAfterTheNewestPointIsDropped() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 3));
        view.addForecast("a", point(5, 0, 1));
        view.addForecast("a", point(3, 0, 1));
        view.addForecast("a", point(5, 0, 1));
        view.addForecast("a", point(6, 0, 1));
        assertThat(view.chart("a", 1).orElseThrow().times()).containsExactly(5 * HOUR, 6 * HOUR);
    }

    @Test
    void theForecastDrawnForAnEventIsTheOneMadeHEventsEarlierForHorizonH() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 3));
        for (int i = 0; i < 6; i++) {
            view.addForecast("a", point(i, 0, i));
        }
        // point(i) forecasts 100 + i + h for horizon h: the forecast for event i at horizon h was made at
        // event i - h and is 100 + i, whatever h; it has no forecast for the first h events.
        SeriesChart h1 = view.chart("a", 1).orElseThrow();
        assertThat(h1.forecast()).containsExactly(Double.NaN, 101, 102, 103, 104, 105);
        SeriesChart h3 = view.chart("a", 3).orElseThrow();
        assertThat(h3.forecast()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 103, 104, 105);
        assertThat(h3.low()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 2.5, 3.5, 4.5);
        assertThat(h3.high()).containsExactly(Double.NaN, Double.NaN, Double.NaN, 3.5, 4.5, 5.5);
        assertThat(h3.band()).isEqualTo("quantiles");
        // The fan comes from the newest event, one step (the median gap) apart.
        assertThat(h3.fan().origin()).isEqualTo(5 * HOUR);
        assertThat(h3.fan().times()).containsExactly(6 * HOUR, 7 * HOUR, 8 * HOUR);
        assertThat(h3.fan().values()).containsExactly(106, 107, 108);
    }

    @Test
    void aVersionChangeIsAnEventWhoseVersionDiffersFromThePreviousOne() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 3));
        long[] versions = {0, 0, 1, 1, 1, 3, 2, 2};
        for (int i = 0; i < versions.length; i++) {
            view.addForecast("a", point(i, versions[i], i));
        }
        assertThat(view.chart("a", 1).orElseThrow().versionChanges()).containsExactly(
                new SeriesChart.VersionChange(2 * HOUR, 0, 1), new SeriesChart.VersionChange(5 * HOUR, 1, 3),
                new SeriesChart.VersionChange(6 * HOUR, 3, 2));
    }

    @Test
    void withoutAnObservedValueTheScoredActualIsDrawn() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 3));
        view.addForecast("a", point(0, 0, Double.NaN));
        view.addForecast("a", point(1, 0, Double.NaN));
        view.addError("a", new ErrorPoint(0, HOUR, 1, 101, 7.5, 0, null, 1, 1, 1, 1, Double.NaN, Double.NaN,
                Double.NaN, false, 0, 90, 110));
        SeriesChart chart = view.chart("a", 1).orElseThrow();
        assertThat(chart.observed()).containsExactly(Double.NaN, 7.5);
        // The point has quantiles (see point()); this one's band at event 1 is the forecast's, not the anomaly band.
        assertThat(chart.low()[1]).isEqualTo(0.5);
    }

    @Test
    void worstByErrorRanksByRatioToPersistenceThenByErrorAndMostAnomaliesByCount() {
        DashboardView view = new DashboardView(new DashboardSettings(10, 100, 10, 10, 3, 50));
        view.addError("good", error(HOUR, 1, 1, 4, null)); // ratio 0.25
        view.addError("bad", error(HOUR, 1, 3, 2, null)); // ratio 1.5
        view.addError("worse", error(HOUR, 1, 9, 3, null)); // ratio 3
        view.addError("noPersistence", error(HOUR, 1, 50, Double.NaN, null));
        view.addForecast("unscored", point(1, 0, 1));
        for (int i = 0; i < 3; i++) {
            view.addError("spiky", error(i * HOUR, 1, 1, 1, true));
        }
        view.addError("once", error(HOUR, 1, 1, 1, true));
        Overview o = view.overview();
        assertThat(o.worstByError()).extracting(SeriesSummary::key).containsExactly("worse", "bad", "once");
        assertThat(view.worstByError(view.search("").stream().toList())).extracting(SeriesSummary::key)
                .doesNotContain("unscored");
        assertThat(o.mostAnomalies()).extracting(SeriesSummary::key).containsExactly("spiky", "once");
        assertThat(o.anomalies()).isEqualTo(4);
    }

    @Test
    void theOverviewIsComputedAtMostOncePerSecondWhileRecordsArrive() throws Exception {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 10));
        view.addForecast("a", point(0, 0, 1));
        Overview first = view.overview();
        view.addForecast("b", point(0, 0, 1));
        assertThat(view.overview()).isSameAs(first);
        Thread.sleep(DashboardView.OVERVIEW_MAX_AGE_MS + 50);
        assertThat(view.overview().series()).isEqualTo(2);
    }

    @Test
    void searchFindsKeysContainingTheQueryIgnoringCaseInKeyOrderUpToTheLimit() {
        DashboardView view = new DashboardView(new DashboardSettings(10, 1000, 10, 10, 20, 5));
        for (int i = 0; i < 500; i++) {
            view.addForecast(String.format("Station-%03d", i), point(0, 0, 1));
        }
        assertThat(view.search("station-04")).extracting(SeriesSummary::key)
                .containsExactly("Station-040", "Station-041", "Station-042", "Station-043", "Station-044");
        assertThat(view.search("-499")).extracting(SeriesSummary::key).containsExactly("Station-499");
        assertThat(view.search("nothing")).isEmpty();
    }

    @Test
    void theOverviewCountsServingVersionsAndCoverage() {
        DashboardView view = new DashboardView(DashboardSettings.of(10, 10));
        view.addForecast("a", point(0, 2, 1));
        view.addForecast("b", point(0, 2, 1));
        view.addForecast("c", point(0, 3, 1));
        view.addError("a", new ErrorPoint(0, HOUR, 1, 1, 1, 2, true, 1, 1, 1, 1, Double.NaN, Double.NaN, Double.NaN,
                null, Double.NaN, Double.NaN, Double.NaN));
        view.addError("a", new ErrorPoint(0, 2 * HOUR, 1, 1, 1, 2, false, 1, 1, 1, 1, Double.NaN, Double.NaN,
                Double.NaN, null, Double.NaN, Double.NaN, Double.NaN));
        view.addError("b", new ErrorPoint(0, HOUR, 1, 1, 1, 2, true, 1, 1, 1, 1, Double.NaN, Double.NaN, 0.8, null,
                Double.NaN, Double.NaN, Double.NaN));
        Overview o = view.overview();
        assertThat(o.servingVersions()).containsExactly(java.util.Map.entry(2L, 2), java.util.Map.entry(3L, 1));
        assertThat(view.summary("a").orElseThrow().coverage()).isEqualTo(0.5);
        assertThat(view.summary("b").orElseThrow().coverage()).isEqualTo(0.8); // the record's own rolling figure
        assertThat(view.summary("c").orElseThrow().coverage()).isNaN();
        assertThat(List.of(o.forecastsRead(), o.errorsRead())).containsExactly(3L, 3L);
    }
}
