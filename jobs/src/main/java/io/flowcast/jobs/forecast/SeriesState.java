package io.flowcast.jobs.forecast;

import io.flowcast.model.online.SeriesBuffer;
import io.flowcast.model.online.ServingState;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the forecaster keeps for one series (one key), as one value of keyed state: the model
 * library's {@link ServingState} (history, live scaler, recurrent state under at most two model
 * versions) plus the operator's own clock and gap statistics. Written and read by
 * {@link SeriesStateSerializer} (explicit and versioned, never Kryo).
 *
 * <p>Updated in place on each event and written back with {@code update()}: free on the heap backend
 * (copy-on-write only while a snapshot runs), one serialization per event on RocksDB.
 */
public final class SeriesState {

    /** Event time of the last accepted event, epoch ms; {@link Long#MIN_VALUE} before the first. */
    long lastEventTime = Long.MIN_VALUE;
    /** Typical interval between events, ms: a moving average of clipped gaps; 0 until the second event. */
    double typicalGapMillis;
    /** The series' grid step in ms, detected from its own first events (or given); 0 until known. */
    long stepMillis;
    /** The event time of this series' pending expiry timer; {@link Long#MIN_VALUE}: none registered. */
    long expiryTimer = Long.MIN_VALUE;
    /** History, live scaler and recurrent states, as {@code ResidualForecaster} reads and updates them. */
    final ServingState serving;

    public SeriesState(ServingState serving) {
        this.serving = serving;
    }

    /** A fresh series whose history holds {@code ringLength} steps (it grows when a model needs more). */
    public static SeriesState create(int ringLength) {
        return new SeriesState(new ServingState(ringLength));
    }

    public ServingState serving() {
        return serving;
    }

    public long lastEventTime() {
        return lastEventTime;
    }

    public double typicalGapMillis() {
        return typicalGapMillis;
    }

    /** The series' grid step in ms; 0 until detected. */
    public long stepMillis() {
        return stepMillis;
    }

    /** The time of the series' pending expiry timer; {@link Long#MIN_VALUE} if none. */
    public long expiryTimer() {
        return expiryTimer;
    }

    /** Events accepted so far, missing values included. */
    public long steps() {
        return serving.buffer().count();
    }

    /** The model version whose state serves this series now (0: none, the baseline). */
    public long modelVersion() {
        return serving.servingVersion();
    }

    public SeriesState copy() {
        SeriesState c = new SeriesState(serving.copy());
        c.lastEventTime = lastEventTime;
        c.typicalGapMillis = typicalGapMillis;
        c.stepMillis = stepMillis;
        c.expiryTimer = expiryTimer;
        return c;
    }

    /** Equal bit for bit (floats by their bits: a state restored from a snapshot must match exactly). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SeriesState s) || lastEventTime != s.lastEventTime || stepMillis != s.stepMillis
                || expiryTimer != s.expiryTimer
                || Double.doubleToLongBits(typicalGapMillis) != Double.doubleToLongBits(s.typicalGapMillis)
                || !serving.liveScaler().sameState(s.serving.liveScaler())) {
            return false;
        }
        for (int slot = 0; slot < ServingState.SLOTS; slot++) {
            if (serving.version(slot) != s.serving.version(slot)
                    || !Arrays.equals(serving.state(slot), s.serving.state(slot))
                    || (serving.domain(slot) == null) != (s.serving.domain(slot) == null)
                    || (serving.domain(slot) != null && !serving.domain(slot).sameState(s.serving.domain(slot)))) {
                return false;
            }
        }
        SeriesBuffer a = serving.buffer();
        SeriesBuffer b = s.serving.buffer();
        if (a.capacity() != b.capacity() || a.count() != b.count()
                || Float.floatToIntBits(a.lastFinite()) != Float.floatToIntBits(b.lastFinite())) {
            return false;
        }
        for (long i = a.first(); i <= a.last(); i++) {
            if (a.timestamp(i) != b.timestamp(i) || Float.floatToIntBits(a.observed(i)) != Float.floatToIntBits(b.observed(i))
                    || Float.floatToIntBits(a.filled(i)) != Float.floatToIntBits(b.filled(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lastEventTime, serving.buffer().count());
    }

    @Override
    public String toString() {
        SeriesBuffer b = serving.buffer();
        return "SeriesState{steps=" + b.count() + ", lastEventTime=" + lastEventTime + ", step=" + stepMillis
                + " ms, expiryTimer=" + expiryTimer + ", typicalGapMillis="
                + typicalGapMillis + ", versions=" + serving.version(0) + "/" + serving.version(1) + ", history="
                + Math.min(b.count(), b.capacity()) + "/" + b.capacity() + ", scaler=" + serving.liveScaler() + "}";
    }
}
