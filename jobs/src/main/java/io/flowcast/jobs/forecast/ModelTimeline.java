package io.flowcast.jobs.forecast;

import io.flowcast.model.online.ServingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The versions of one model name the forecaster holds, and which of them serves an event: the newest
 * version with {@code trainedUpTo < eventTime} (a model never forecasts data it was trained on, so a
 * backtest that preloads every version is deterministic and never looks ahead), and for the ensemble
 * the newest older version that also qualifies. Live, a model arriving after its {@code trainedUpTo}
 * simply serves from its arrival on.
 *
 * <p>Retention: versions that came on the model stream are bounded to the newest {@code retain};
 * preloaded versions are all kept. Selection allocates nothing.
 */
final class ModelTimeline {

    final String name;
    private final int retain;
    /** Held versions, ascending by version. */
    private final List<ServingModel> models = new ArrayList<>();
    private final List<Boolean> preloaded = new ArrayList<>();
    /** The result of the last {@link #select}. */
    ServingModel current;
    ServingModel previous;
    /** The version the last selected event was forecast with (0: the baseline); the metrics gauge. */
    long lastServed;
    /** The event time of the last {@link #select}. */
    long lastSelected = Long.MIN_VALUE;

    ModelTimeline(String name, int retain) {
        this.name = name;
        this.retain = retain;
    }

    /**
     * Adds a version; returns the versions dropped to keep the bound (maybe {@code m} itself, when it
     * is older than every retained one), or null if that version was already held (nothing changes).
     */
    List<ServingModel> add(ServingModel m, boolean isPreloaded) {
        int at = 0;
        while (at < models.size() && models.get(at).version() < m.version()) {
            at++;
        }
        if (at < models.size() && models.get(at).version() == m.version()) {
            return null;
        }
        models.add(at, m);
        preloaded.add(at, isPreloaded);
        List<ServingModel> dropped = new ArrayList<>();
        int streamed = 0;
        for (int i = models.size() - 1; i >= 0; i--) {
            if (preloaded.get(i)) {
                continue;
            }
            if (++streamed > retain) {
                dropped.add(models.remove(i));
                preloaded.remove(i);
            }
        }
        return dropped;
    }

    /** Sets {@link #current} and {@link #previous} for an event at {@code eventTime}. */
    void select(long eventTime) {
        lastSelected = eventTime;
        current = null;
        previous = null;
        for (int i = models.size() - 1; i >= 0; i--) {
            ServingModel m = models.get(i);
            if (m.info().trainedUpTo() < eventTime) {
                if (current == null) {
                    current = m;
                } else {
                    previous = m;
                    return;
                }
            }
        }
    }

    /**
     * How far the last selected event is past the data the serving version was trained on, in seconds of
     * event time (live, how old the model is); NaN while the baseline serves.
     */
    double servingAgeSeconds() {
        ServingModel m = current;
        return m == null ? Double.NaN : (lastSelected - m.info().trainedUpTo()) / 1000.0;
    }

    /** The newest version held; 0 when none is. */
    long newestVersion() {
        return models.isEmpty() ? 0 : models.get(models.size() - 1).version();
    }

    /** Whether {@code version} is held. */
    boolean holds(long version) {
        for (ServingModel m : models) {
            if (m.version() == version) {
                return true;
            }
        }
        return false;
    }

    /** Versions held, ascending. */
    long[] versions() {
        long[] v = new long[models.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = models.get(i).version();
        }
        return v;
    }

    /** The largest history any held version needs. */
    int ringLength() {
        int n = 1;
        for (ServingModel m : models) {
            n = Math.max(n, m.shape().ringLength());
        }
        return n;
    }

    int maxHorizon() {
        int n = 0;
        for (ServingModel m : models) {
            n = Math.max(n, m.shape().horizon());
        }
        return n;
    }
}
