package io.flowcast.jobs.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the dashboard holds of one series, every part bounded by {@link DashboardSettings}: the last
 * forecast points in event order, the last error records of each horizon, the last anomalies, and
 * counts of all it has seen. Not thread-safe: {@link DashboardView} guards it.
 */
final class SeriesHistory {

    /** Horizons above this are not held: no model forecasts that far, and the per-horizon map stays bounded. */
    static final int MAX_HORIZON = 1_000;

    private final String key;
    private final DashboardSettings settings;
    private final ArrayDeque<ForecastPoint> points = new ArrayDeque<>();
    /** The newest error record of each horizon: its rolling figures are what the page shows. */
    private final Map<Integer, ErrorPoint> newestErrors = new HashMap<>();
    private final ArrayDeque<ScoredEvent> scored = new ArrayDeque<>();
    private final ArrayDeque<ErrorPoint> anomalies = new ArrayDeque<>();
    private long anomalyCount;
    private int banded;
    private int inside;
    private long outOfOrder;
    /** The view's change number of the last record added here: what a live stream compares. */
    private long lastChange;

    SeriesHistory(String key, DashboardSettings settings) {
        this.key = key;
        this.settings = settings;
    }

    String key() {
        return key;
    }

    long lastChange() {
        return lastChange;
    }

    /**
     * Adds a forecast point after the newest one held; one not after it (a replay, or a record the
     * series cannot place) is counted and dropped, so the points stay in event order.
     */
    void add(ForecastPoint p, long change) {
        lastChange = change;
        ForecastPoint newest = points.peekLast();
        if (newest != null && p.eventTime() <= newest.eventTime()) {
            outOfOrder++;
            return;
        }
        points.addLast(p);
        while (points.size() > settings.points()) {
            points.removeFirst();
        }
    }

    /**
     * Horizon 1's records are held, compactly, for every drawn event (its actual, anomaly band and band
     * hit); of every horizon the newest record whole, which is all the page shows of it (its rolling figures).
     */
    void add(ErrorPoint e, long change) {
        if (e.horizon() > MAX_HORIZON) {
            return; // one map entry per horizon: a record with an absurd horizon must not grow it
        }
        lastChange = change;
        newestErrors.put(e.horizon(), e);
        if (e.horizon() == 1) {
            ScoredEvent event = ScoredEvent.of(e);
            scored.addLast(event);
            count(event, 1);
            while (scored.size() > settings.errorPoints()) {
                count(scored.removeFirst(), -1);
            }
        }
        if (e.isAnomaly()) {
            anomalyCount++;
            anomalies.addLast(e);
            while (anomalies.size() > settings.anomalies()) {
                anomalies.removeFirst();
            }
        }
    }

    /** Keeps the band hits of the held horizon-1 records counted, so the overview needs no pass over them. */
    private void count(ScoredEvent e, int sign) {
        if (e.inside() != null) {
            banded += sign;
            inside += e.inside() ? sign : 0;
        }
    }

    /** The share of held horizon-1 actuals inside their p10..p90 band; NaN without a band. */
    double heldCoverage() {
        return banded == 0 ? Double.NaN : (double) inside / banded;
    }

    List<ForecastPoint> points() {
        return new ArrayList<>(points);
    }

    int pointCount() {
        return points.size();
    }

    ForecastPoint newestPoint() {
        return points.peekLast();
    }

    /** The held horizon-1 scores, oldest first. */
    List<ScoredEvent> scored() {
        return new ArrayList<>(scored);
    }

    /** The newest error record of every horizon seen, by horizon. */
    List<ErrorPoint> newestErrors() {
        List<ErrorPoint> newest = new ArrayList<>();
        newestErrors.keySet().stream().sorted().forEach(h -> newest.add(newestErrors.get(h)));
        return newest;
    }

    ErrorPoint newestError(int h) {
        return newestErrors.get(h);
    }

    List<ErrorPoint> anomalies() {
        return new ArrayList<>(anomalies);
    }

    long anomalyCount() {
        return anomalyCount;
    }

    long outOfOrder() {
        return outOfOrder;
    }
}
