package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.RejectReason;
import static org.apache.flink.util.Preconditions.checkNotNull;
import static org.apache.flink.util.Preconditions.checkState;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.model.NetConfig;
import io.flowcast.model.features.CalendarFeatures;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed forecaster: per series (key) it keeps a {@link SeriesState}, advances it one step per event
 * with the recurrent net and emits a {@link Forecast} for horizons 1..H at once. The rules, also in
 * {@code docs/records.md}:
 *
 * <ul>
 *   <li><b>Order.</b> Events are taken per key in arrival order, with no reordering buffer (that would
 *       delay every forecast). An event older than the key's last processed event is <b>late</b>: it
 *       goes to the {@link #DEAD_LETTERS} side output with reason {@code late}, counted, and never
 *       rewinds the state.
 *   <li><b>Duplicate timestamp</b> (equal to the last processed one): the first event stays, the second
 *       becomes a dead letter {@code duplicate}; no state change and no forecast (undoing a step would
 *       need a second copy of the state per key).
 *   <li><b>Missing value</b> (NaN or infinite): the event still advances the clock and emits a forecast.
 *       The net is fed the baseline's one-step forecast from the previous event (last value, or the value
 *       one season back) in its place; the scaler does not learn from that event. Before a series' first
 *       real value there is nothing to impute: the net gets 0 (the mean) and the forecast is NaN.
 *   <li><b>Irregular gaps.</b> One event is one step whatever the gap; the calendar features carry the
 *       real time. A gap longer than {@code gapFactor} typical intervals (a moving average of the
 *       series' own gaps, each clipped to that bound so one outage barely moves it) is counted as a
 *       gap and, with {@code resetOnGap}, zeroes the recurrent state first.
 *   <li><b>Wrong feature count</b> (not {@code features} values): dead letter {@code feature-count}.
 * </ul>
 *
 * <p><b>Baseline or model.</b> Weights of version 0 are untrained: the net still advances the state on
 * every event (so the state machinery and its cost are real), but the forecast values come from the
 * {@link Baseline} (persistence, or seasonal naive when a season is set), with model version 0. Weights
 * of a version above 0 forecast themselves: outputs inverse-scaled with the series' scaler.
 *
 * <p><b>New weights.</b> A series whose state was built by another model version is re-warmed first:
 * the state is zeroed and the ring of recent inputs replayed through the current weights.
 *
 * <p>Per event it allocates only the emitted {@link Forecast} and its values (on the heap backend);
 * buffers are made once in {@link #open}. Safe with object reuse: it keeps nothing of the input.
 */
public class ForecastFunction extends KeyedProcessFunction<String, Observation, Forecast> {

    private static final long serialVersionUID = 1L;

    /** Events the forecaster rejected (late, duplicate, wrong width). */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("forecast-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The {@code topic} of the forecaster's dead letters: the stage that rejected them. */
    public static final String DEAD_LETTER_TOPIC = DeadLetters.STAGE;

    /** Name of the keyed state; part of savepoint compatibility, so never rename it. */
    static final String STATE_NAME = "series";

    /** Bound on scaled inputs: only guards against an absurd value overflowing to infinity. */
    private static final float INPUT_LIMIT = 1e4f;

    private final ForecastSettings settings;
    private final WeightSource weightSource;

    private transient ValueState<SeriesState> series;
    private transient ModelWeights model;
    /** Floats of recurrent state per series, from the net's shape (kept: the shape is checked per event). */
    private transient int stateSize;
    private transient Baseline baseline;
    private transient CalendarFeatures calendar;
    /** The values fed to the net for the current event: observed, or imputed where missing. */
    private transient float[] fed;
    private transient float[] input;
    private transient float[] output;
    private transient ForecastMetrics metrics;

    public ForecastFunction(ForecastSettings settings, WeightSource weightSource) {
        this.settings = checkNotNull(settings, "settings");
        this.weightSource = checkNotNull(weightSource, "weightSource");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, SeriesStateSerializer.INSTANCE));
        NetConfig config = settings.netConfig();
        model = checkNotNull(weightSource.load(config), "weight source %s returned no weights", weightSource);
        checkState(model.net().config().equals(config), "weights are for %s, the settings need %s",
                model.net().config(), config);
        stateSize = config.stateSize();
        baseline = new Baseline(settings.seasonLength());
        calendar = new CalendarFeatures();
        fed = new float[settings.features()];
        input = new float[config.inputSize()];
        output = new float[config.outputSize()];
        metrics = new ForecastMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Observation obs, Context ctx, Collector<Forecast> out) throws Exception {
        long started = System.nanoTime();
        metrics.eventsIn.inc();
        SeriesState s = series.value();
        boolean newSeries = s == null;
        if (newSeries) {
            s = startSeries(Long.MIN_VALUE);
        }
        RejectReason rejected = check(s, obs);
        if (rejected != null) {
            reject(ctx, obs, rejected, s);
            return;
        }
        if (newSeries) {
            metrics.keyStarted();
        } else if (!s.fits(stateSize, fed.length, settings.ringCapacity())) {
            s = startSeries(s.lastEventTime);
            metrics.stateResets.inc();
        } else if (s.modelVersion != model.version()) {
            rewarm(s);
        }
        noteGap(s, obs.timestamp);
        step(s, obs);
        Forecast forecast = forecast(s, obs, ctx.timerService().currentProcessingTime());
        series.update(s);
        metrics.stepLatencyNanos.update(System.nanoTime() - started);
        out.collect(forecast);
        metrics.forecastsOut.inc();
    }

    private SeriesState startSeries(long lastEventTime) {
        SeriesState s = SeriesState.create(settings);
        s.lastEventTime = lastEventTime;
        s.modelVersion = model.version();
        return s;
    }

    private RejectReason check(SeriesState s, Observation obs) {
        if (obs.values == null || obs.values.length != settings.features()) {
            return RejectReason.FEATURE_COUNT;
        }
        if (obs.timestamp < s.lastEventTime) {
            return RejectReason.LATE;
        }
        return obs.timestamp == s.lastEventTime ? RejectReason.DUPLICATE : null;
    }

    private void reject(Context ctx, Observation obs, RejectReason reason, SeriesState s) {
        metrics.deadLetter(reason);
        String detail = switch (reason) {
            case LATE -> "event at " + obs.rawTimestamp + " (" + obs.timestamp + " ms) is older than the last one "
                    + "processed for this series (" + s.lastEventTime + " ms)";
            case DUPLICATE -> "a second event at " + obs.rawTimestamp + " (" + obs.timestamp
                    + " ms) for this series; the first one was kept";
            case FEATURE_COUNT -> "expected " + settings.features() + " values per event, got "
                    + (obs.values == null ? "none" : obs.values.length);
            default -> throw new IllegalStateException("the forecaster does not reject for " + reason);
        };
        ctx.output(DEAD_LETTERS, DeadLetters.of(obs, reason, "series " + obs.key + ": " + detail));
    }

    /** Counts a long gap (and resets if configured), then folds this gap into the typical interval. */
    private void noteGap(SeriesState s, long eventTime) {
        if (s.lastEventTime == Long.MIN_VALUE) {
            return;
        }
        double gap = (double) eventTime - s.lastEventTime;
        double typical = s.typicalGapMillis;
        if (typical == 0) {
            s.typicalGapMillis = gap;
            return;
        }
        double bound = settings.gapFactor() * typical;
        if (gap > bound) {
            metrics.gaps.inc();
            if (settings.resetOnGap()) {
                Arrays.fill(s.recurrent, 0f);
            }
        }
        s.typicalGapMillis = typical + (Math.min(gap, bound) - typical) / 16;
    }

    /** Imputes missing values, lets the scaler learn, advances the net one step, records the inputs. */
    private void step(SeriesState s, Observation obs) {
        int features = fed.length;
        boolean complete = true;
        for (int f = 0; f < features; f++) {
            float x = obs.values[f];
            if (!Float.isFinite(x)) {
                complete = false;
                x = baseline.forecast(s, f, 1);
            }
            fed[f] = x;
        }
        if (complete) {
            s.scaler.update(fed);
        } else {
            metrics.missingValues.inc();
        }
        scaleInto(s, fed, 0);
        calendar.write(obs.timestamp, input, features);
        model.net().step(s.recurrent, input, output);
        s.record(obs.timestamp, fed);
    }

    /** The net's input for one event's values: z-scored, clipped; an unknown value (NaN) is fed as the mean. */
    private void scaleInto(SeriesState s, float[] values, int offset) {
        for (int f = 0; f < fed.length; f++) {
            float x = values[offset + f];
            float z = Float.isNaN(x) ? 0f : s.scaler.transform(f, x);
            input[f] = Math.max(-INPUT_LIMIT, Math.min(INPUT_LIMIT, z));
        }
    }

    private Forecast forecast(SeriesState s, Observation obs, long now) {
        float[] values = new float[settings.horizons()];
        if (model.trained()) {
            boolean seenValue = s.scaler.count() > 0;
            for (int h = 0; h < values.length; h++) {
                values[h] = seenValue ? s.scaler.inverse(0, output[h]) : Float.NaN;
            }
        } else {
            for (int h = 0; h < values.length; h++) {
                values[h] = baseline.forecast(s, 0, h + 1);
            }
        }
        Forecast f = new Forecast();
        f.key = obs.key;
        f.eventTime = obs.timestamp;
        f.rawTimestamp = obs.rawTimestamp;
        f.modelVersion = model.version();
        f.values = values;
        f.emittedAt = now;
        return f;
    }

    /** Rebuilds the recurrent state under the current weights from the ring of recent inputs. */
    private void rewarm(SeriesState s) {
        Arrays.fill(s.recurrent, 0f);
        int features = fed.length;
        for (int k = s.ringFill() - 1; k >= 0; k--) {
            scaleInto(s, s.ringValues, s.valuesOffsetBack(k));
            calendar.write(s.timeBack(k), input, features);
            model.net().step(s.recurrent, input, output);
        }
        s.modelVersion = model.version();
        metrics.rewarms.inc();
    }

    /** Called by {@link ForecastOperator} once restored state is in place. */
    void seriesRestored(long count) {
        metrics.keysRestored(count);
    }

    ForecastMetrics metrics() {
        return metrics;
    }

    /** The state of the operator's current key (tests set the key on the operator first). */
    SeriesState currentState() throws Exception {
        return series.value();
    }
}
