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
    private final Map<Integer, ArrayDeque<ErrorPoint>> errors = new HashMap<>();
    private final ArrayDeque<ErrorPoint> anomalies = new ArrayDeque<>();
    private long anomalyCount;
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

    void add(ErrorPoint e, long change) {
        if (e.horizon() > MAX_HORIZON) {
            return; // one map entry per horizon: a record with an absurd horizon must not grow it
        }
        lastChange = change;
        ArrayDeque<ErrorPoint> ofHorizon = errors.computeIfAbsent(e.horizon(), h -> new ArrayDeque<>());
        ofHorizon.addLast(e);
        while (ofHorizon.size() > settings.errorPoints()) {
            ofHorizon.removeFirst();
        }
        if (e.isAnomaly()) {
            anomalyCount++;
            anomalies.addLast(e);
            while (anomalies.size() > settings.anomalies()) {
                anomalies.removeFirst();
            }
        }
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

    /** The held error records of horizon h, oldest first. */
    List<ErrorPoint> errors(int h) {
        ArrayDeque<ErrorPoint> e = errors.get(h);
        return e == null ? List.of() : new ArrayList<>(e);
    }

    /** The newest error record of every horizon seen, by horizon. */
    List<ErrorPoint> newestErrors() {
        List<ErrorPoint> newest = new ArrayList<>();
        errors.keySet().stream().sorted().forEach(h -> newest.add(errors.get(h).peekLast()));
        return newest;
    }

    ErrorPoint newestError(int h) {
        ArrayDeque<ErrorPoint> e = errors.get(h);
        return e == null ? null : e.peekLast();
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

    int errorRecordsHeld() {
        return errors.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
