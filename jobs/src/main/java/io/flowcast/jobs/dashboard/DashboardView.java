package io.flowcast.jobs.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dashboard's bounded in-memory view of the topics: at most {@code maxSeries} series, kept in
 * the order they were last updated so the least recently updated one is evicted first. One feed
 * thread writes, any number of HTTP threads read; one lock guards it all, and every read returns a
 * copy. Each write bumps a change number that live streams wait on.
 */
public final class DashboardView {

    static final long OVERVIEW_MAX_AGE_MS = 1_000;

    private final DashboardSettings settings;
    /** Insertion order = update order: an updated series is removed and put back at the end. */
    private final LinkedHashMap<String, SeriesHistory> series = new LinkedHashMap<>();
    private long change;
    private long evicted;
    private long forecastsRead;
    private long errorsRead;
    private long refused;
    private Overview overview;
    private long overviewAt;

    public DashboardView(DashboardSettings settings) {
        this.settings = settings;
    }

    public DashboardSettings settings() {
        return settings;
    }

    public synchronized void addForecast(String key, ForecastPoint p) {
        forecastsRead++;
        touch(key).add(p, ++change);
        notifyAll();
    }

    public synchronized void addError(String key, ErrorPoint e) {
        errorsRead++;
        touch(key).add(e, ++change);
        notifyAll();
    }

    /** A record the feed could not read: counted so the overview shows it. */
    public synchronized void refused() {
        refused++;
        change++; // the overview shows the count
    }

    private SeriesHistory touch(String key) {
        SeriesHistory s = series.remove(key);
        if (s == null) {
            s = new SeriesHistory(key, settings);
            Iterator<SeriesHistory> oldest = series.values().iterator();
            while (series.size() >= settings.maxSeries() && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
                evicted++;
            }
        }
        series.put(key, s);
        return s;
    }

    public synchronized int size() {
        return series.size();
    }

    public synchronized long change() {
        return change;
    }

    /** Waits until a change after {@code seen} or the timeout; returns the change number now. */
    public synchronized long awaitChange(long seen, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long left = timeoutMs;
        while (change <= seen && left > 0) {
            wait(left);
            left = deadline - System.currentTimeMillis();
        }
        return change;
    }

    /** The change number of the series' last record, or -1 when it is not held. */
    public synchronized long lastChange(String key) {
        SeriesHistory s = series.get(key);
        return s == null ? -1 : s.lastChange();
    }

    /** The series' keys, least recently updated first. */
    public synchronized List<String> keys() {
        return new ArrayList<>(series.keySet());
    }

    public synchronized Optional<SeriesChart> chart(String key, int horizon) {
        SeriesHistory s = series.get(key);
        return s == null ? Optional.empty() : Optional.of(SeriesChart.of(s, Math.max(1, horizon)));
    }

    public synchronized Optional<SeriesSummary> summary(String key) {
        SeriesHistory s = series.get(key);
        return s == null ? Optional.empty() : Optional.of(SeriesSummary.of(s));
    }

    /**
     * Series whose key contains {@code query} (ignoring case), in key order, at most the search
     * limit; an empty query lists the first keys.
     */
    public synchronized List<SeriesSummary> search(String query) {
        String q = query == null ? "" : query.toLowerCase(Locale.ROOT);
        TreeMap<String, SeriesHistory> matches = new TreeMap<>();
        for (SeriesHistory s : series.values()) {
            if (s.key().toLowerCase(Locale.ROOT).contains(q)) {
                matches.put(s.key(), s);
                if (matches.size() > settings.searchLimit()) {
                    matches.pollLastEntry();
                }
            }
        }
        return matches.values().stream().map(SeriesSummary::of).toList();
    }

    /**
     * The overview, at most {@link #OVERVIEW_MAX_AGE_MS} old: computing it is a pass over every series
     * under the lock the feed needs too, so however many pages ask while records stream in, it is
     * computed at most once per that time.
     */
    public synchronized Overview overview() {
        long now = System.nanoTime();
        if (overview == null || overview.change() != change && now - overviewAt >= OVERVIEW_MAX_AGE_MS * 1_000_000) {
            overview = computeOverview();
            overviewAt = now;
        }
        return overview;
    }

    private Overview computeOverview() {
        List<SeriesSummary> all = series.values().stream().map(SeriesSummary::of).toList();
        Map<Long, Integer> versions = new TreeMap<>();
        double maeSum = 0;
        double persistenceSum = 0;
        int scored = 0;
        long anomalies = 0;
        for (SeriesSummary s : all) {
            if (s.modelVersion() >= 0) {
                versions.merge(s.modelVersion(), 1, Integer::sum);
            }
            if (Double.isFinite(s.mae()) && Double.isFinite(s.persistenceMae())) {
                maeSum += s.mae();
                persistenceSum += s.persistenceMae();
                scored++;
            }
            anomalies += s.anomalies();
        }
        return new Overview(all.size(), settings.maxSeries(), evicted, settings.points(), forecastsRead, errorsRead,
                refused, anomalies, versions, scored == 0 ? Double.NaN : maeSum / scored,
                scored == 0 ? Double.NaN : persistenceSum / scored, worstByError(all), mostAnomalies(all), change);
    }

    /**
     * Highest MAE over persistence's first (a model worse than persistence shows above one that is
     * merely noisy), then series with an MAE but no persistence figure, by MAE; unscored ones never.
     */
    List<SeriesSummary> worstByError(List<SeriesSummary> all) {
        Comparator<SeriesSummary> byRatio = Comparator.comparingDouble(SeriesSummary::errorRatio).reversed();
        Comparator<SeriesSummary> byMae = Comparator.comparingDouble(SeriesSummary::mae).reversed();
        List<SeriesSummary> ranked = new ArrayList<>(all.stream().filter(s -> Double.isFinite(s.errorRatio()))
                .sorted(byRatio.thenComparing(SeriesSummary::key)).toList());
        all.stream().filter(s -> !Double.isFinite(s.errorRatio()) && Double.isFinite(s.mae()))
                .sorted(byMae.thenComparing(SeriesSummary::key)).forEach(ranked::add);
        return ranked.subList(0, Math.min(ranked.size(), settings.listLimit()));
    }

    List<SeriesSummary> mostAnomalies(List<SeriesSummary> all) {
        return all.stream().filter(s -> s.anomalies() > 0)
                .sorted(Comparator.comparingLong(SeriesSummary::anomalies).reversed().thenComparing(SeriesSummary::key))
                .limit(settings.listLimit()).toList();
    }
}
