package io.flowcast.jobs.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One series as the page draws it, for a chosen horizon h, in arrays aligned on the held events:
 * the observed values, the forecasts made FOR each event h steps earlier (the forecast of horizon h
 * made at the event h accepted events before it, as the scorer matches them) with their band, the
 * model version of each event and where it changed, the anomalies on held events, the latest fan
 * h=1..H from the newest event, and the newest error figures of every horizon. Absent numbers are NaN.
 *
 * @param times event times of the held points, oldest first, epoch ms
 * @param observed the value observed at each event: the forecast record's own, else the actual of the
 *     horizon-1 error record for that event
 * @param forecast the forecast made for each event at horizon h; NaN for the first h held events
 * @param low the band of that forecast (p10), else the anomaly band of the error record at that event
 * @param high the upper band (p90), likewise
 * @param band where the band comes from: {@code quantiles} (the model's p10..p90), {@code anomaly} (the
 *     scorer's anomaly band, for a model without quantile outputs) or {@code none}
 * @param versions the model version of each event's forecast
 * @param anomalies anomalies whose event is held (the markers drawn); {@code anomalyCount} counts all seen
 */
public record SeriesChart(String key, int horizon, int horizons, long[] times, double[] observed, double[] forecast,
        double[] low, double[] high, String band, long[] versions, List<VersionChange> versionChanges, Fan fan,
        List<Marker> anomalies, long anomalyCount, List<HorizonError> errors) {

    /** Where the series' serving model changed: the first event forecast by {@code to}. */
    public record VersionChange(long time, long from, long to) {
    }

    /** The forecasts from the newest event, at estimated future times (the series' recent median step). */
    public record Fan(long origin, long[] times, double[] values, double[] low, double[] high) {
    }

    public record Marker(long time, double actual, double score, double low, double high) {
    }

    /** The newest rolling figures of one horizon beside persistence's on the same pairs. */
    public record HorizonError(int horizon, int modelVersion, double mae, double rmse, double persistenceMae,
            double persistenceRmse, double wape, double persistenceWape, double coverage) {
    }

    /** A step used when a series has fewer than two events to measure its own. */
    static final long DEFAULT_STEP_MS = 60_000;

    static SeriesChart of(SeriesHistory s, int h) {
        List<ForecastPoint> points = s.points();
        int n = points.size();
        long[] times = new long[n];
        double[] observed = new double[n];
        double[] forecast = new double[n];
        double[] low = new double[n];
        double[] high = new double[n];
        long[] versions = new long[n];
        Map<Long, ScoredEvent> scoredAt = new HashMap<>();
        s.scored().forEach(e -> scoredAt.put(e.targetTime(), e));
        List<VersionChange> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ForecastPoint p = points.get(i);
            times[i] = p.eventTime();
            ScoredEvent scored = scoredAt.get(p.eventTime());
            observed[i] = Double.isFinite(p.observed()) || scored == null ? p.observed() : scored.actual();
            versions[i] = p.modelVersion();
            if (i > 0 && p.modelVersion() != points.get(i - 1).modelVersion()) {
                changes.add(new VersionChange(p.eventTime(), points.get(i - 1).modelVersion(), p.modelVersion()));
            }
            ForecastPoint origin = i >= h ? points.get(i - h) : null;
            forecast[i] = origin == null ? Double.NaN : origin.forecast(h);
            low[i] = origin == null ? Double.NaN : origin.low(h);
            high[i] = origin == null ? Double.NaN : origin.high(h);
            if (Double.isNaN(low[i]) && Double.isNaN(high[i]) && scored != null) {
                low[i] = scored.anomalyLow();
                high[i] = scored.anomalyHigh();
            }
        }
        ForecastPoint newest = s.newestPoint();
        boolean quantiles = newest != null && newest.p10() != null;
        boolean anyBand = false;
        for (int i = 0; i < n && !anyBand; i++) {
            anyBand = Double.isFinite(low[i]) || Double.isFinite(high[i]);
        }
        String band = quantiles ? "quantiles" : anyBand ? "anomaly" : "none";
        List<Marker> markers = new ArrayList<>();
        for (ErrorPoint a : s.anomalies()) {
            if (Arrays.binarySearch(times, a.targetTime()) >= 0) {
                markers.add(new Marker(a.targetTime(), a.actual(), a.anomalyScore(), a.anomalyLow(), a.anomalyHigh()));
            }
        }
        List<HorizonError> errors = new ArrayList<>();
        for (ErrorPoint e : s.newestErrors()) {
            errors.add(new HorizonError(e.horizon(), (int) e.modelVersion(), e.mae(), e.rmse(), e.persistenceMae(),
                    e.persistenceRmse(), e.wape(), e.persistenceWape(), e.coverage()));
        }
        return new SeriesChart(s.key(), h, newest == null ? 0 : newest.horizons(), times, observed, forecast, low,
                high, band, versions, changes, newest == null ? null : fan(newest, step(times)), markers, s.anomalyCount(),
                errors);
    }

    private static Fan fan(ForecastPoint origin, long step) {
        int horizons = origin.horizons();
        long[] times = new long[horizons];
        double[] values = new double[horizons];
        double[] low = new double[horizons];
        double[] high = new double[horizons];
        for (int h = 1; h <= horizons; h++) {
            times[h - 1] = origin.eventTime() + h * step;
            values[h - 1] = origin.forecast(h);
            low[h - 1] = origin.low(h);
            high[h - 1] = origin.high(h);
        }
        return new Fan(origin.eventTime(), times, values, low, high);
    }

    /** The median of the last gaps between events: the fan's step on the time axis (the model counts events, not time). */
    static long step(long[] times) {
        int gaps = Math.min(times.length - 1, 20);
        if (gaps < 1) {
            return DEFAULT_STEP_MS;
        }
        long[] g = new long[gaps];
        for (int i = 0; i < gaps; i++) {
            g[i] = times[times.length - 1 - i] - times[times.length - 2 - i];
        }
        Arrays.sort(g);
        return Math.max(1, g[gaps / 2]);
    }
}
