package io.flowcast.jobs.score;

import static org.apache.flink.util.Preconditions.checkNotNull;

import io.flowcast.jobs.forecast.SeriesExpiry;
import io.flowcast.jobs.records.Forecast;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed scorer: per series (key) it matches every forecast with the actual that arrives
 * {@code h} steps later and emits one {@link ForecastError} per matured (series, origin, horizon).
 * The rules, also in {@code docs/scoring.md}:
 *
 * <ul>
 *   <li><b>Steps.</b> The input is the forecaster's output, one {@link Forecast} per accepted event in its
 *       order, with the value observed there ({@link Forecast#observed}): one input is one step, as the
 *       forecaster counts steps. The target of horizon {@code h} of the
 *       forecast made at an event is the series' {@code h}-th next accepted event, whatever its time.
 *       Late and duplicate events never reach the scorer (the forecaster removed them); an input not
 *       after the series' last one is counted and ignored.
 *   <li><b>Missing values.</b> A matured pair whose actual is NaN gives no record ({@code missingActuals});
 *       one whose forecast is NaN neither ({@code missingForecasts}).
 *   <li><b>Persistence</b> for a target is the last finite value observed at or before the origin
 *       (the forecaster's own reading of a missing value), scored on the same pairs.
 *   <li><b>Rolling figures</b>: per series and horizon, over the last {@code window} pairs that have
 *       a persistence value too: MAE, RMSE and WAPE of the model and of persistence, and the p10..p90
 *       coverage, in each record ({@link RollingErrors}).
 *   <li><b>Anomalies</b>: at horizon 1, the actual is judged against the band forecast for it
 *       ({@link AnomalyRule}), before its own error joins the window.
 *   <li><b>Idle series</b> are cleared as the forecaster clears them: one event-time timer per series
 *       at its last event + TTL, moved forward lazily when it fires.
 * </ul>
 *
 * State per series is bounded by the settings: {@code horizons} forecasts and {@code horizons x window}
 * error pairs. Safe with object reuse: it copies what it keeps of its input.
 */
public class ForecastScorer extends KeyedProcessFunction<String, Forecast, ForecastError> {

    private static final long serialVersionUID = 1L;

    /** Name of the keyed state; part of savepoint compatibility, so never rename it. */
    static final String STATE_NAME = "scoring";

    private final ScoringSettings settings;
    private transient ValueState<ScorerState> series;
    private transient ScorerMetrics metrics;
    private transient AnomalyRule anomalies;

    public ForecastScorer(ScoringSettings settings) {
        this.settings = checkNotNull(settings, "settings");
    }

    @Override
    public void open(OpenContext openContext) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, ScorerStateSerializer.INSTANCE));
        metrics = new ScorerMetrics(getRuntimeContext().getMetricGroup(), settings);
        anomalies = new AnomalyRule(settings.anomalyZ(), settings.window());
    }

    @Override
    public void processElement(Forecast event, Context ctx, Collector<ForecastError> out) throws Exception {
        ScorerState s = series.value();
        if (s == null) {
            s = ScorerState.create(settings);
        } else if (event.eventTime <= s.lastEventTime) {
            metrics.outOfOrder.inc();
            return;
        }
        float actual = Float.isFinite(event.observed) ? event.observed : Float.NaN;
        for (int h = 1; h <= settings.horizons(); h++) {
            HeldForecast made = s.madeStepsAgo(h);
            if (made != null) {
                score(event, actual, made, h, s.windows, out);
            }
        }
        if (!Float.isNaN(actual)) {
            s.lastFinite = actual;
        }
        s.hold(held(event, s.lastFinite));
        s.lastEventTime = event.eventTime;
        if (s.expiryTimer == Long.MIN_VALUE && !settings.seriesTtl().isZero()) {
            s.expiryTimer = expiry(s.lastEventTime);
            ctx.timerService().registerEventTimeTimer(s.expiryTimer);
        }
        series.update(s);
    }

    private void score(Forecast event, float actual, HeldForecast made, int h, ErrorWindow[] windows,
                       Collector<ForecastError> out) {
        if (Float.isNaN(actual)) {
            metrics.missingActuals.inc();
            return;
        }
        float forecast = at(made.values(), h);
        if (!Float.isFinite(forecast)) {
            metrics.missingForecasts.inc();
            return;
        }
        float p10 = made.p10() == null ? Float.NaN : at(made.p10(), h);
        float p90 = made.p90() == null ? Float.NaN : at(made.p90(), h);
        // Judged before this pair joins the window: the band is made of the errors before it.
        Anomaly anomaly = h == 1 ? anomalies.judge(forecast, p10, p90, windows[0], actual) : null;
        if (anomaly != null && anomaly.flagged()) {
            metrics.anomalies.inc();
        }
        float persistence = made.persistence();
        ErrorWindow window = windows[h - 1];
        if (!Float.isNaN(persistence)) {
            byte band = Float.isNaN(p10) || Float.isNaN(p90) ? ErrorWindow.NO_BAND
                    : actual >= p10 && actual <= p90 ? ErrorWindow.INSIDE : ErrorWindow.OUTSIDE;
            window.add(forecast - actual, persistence - actual, actual, band);
            metrics.pair(h, forecast - actual, persistence - actual, actual, band);
        }
        metrics.scored.inc();
        out.collect(new ForecastError(event.key, made.originTime(), event.eventTime, h, forecast, actual, p10, p90,
                made.modelVersion(), persistence, window.figures(), anomaly));
    }

    /** Horizon {@code h}'s value, NaN beyond the array (a model with fewer horizons than the settings). */
    private static float at(float[] values, int h) {
        return h <= values.length ? values[h - 1] : Float.NaN;
    }

    /** What is kept of a forecast: only the horizons scored, copied (the input may be reused). */
    private HeldForecast held(Forecast f, float persistence) {
        int n = Math.min(settings.horizons(), f.values.length);
        return new HeldForecast(f.eventTime, f.modelVersion, persistence, Arrays.copyOf(f.values, n),
                f.p10 == null || f.p90 == null ? null : Arrays.copyOf(f.p10, Math.min(n, f.p10.length)),
                f.p10 == null || f.p90 == null ? null : Arrays.copyOf(f.p90, Math.min(n, f.p90.length)));
    }

    /**
     * The series' expiry timer fired: clears the series if the watermark passed its last event by
     * the TTL, else moves the timer to the new deadline.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ForecastError> out) throws Exception {
        ScorerState s = series.value();
        if (s == null) {
            return;
        }
        long deadline = expiry(s.lastEventTime);
        if (deadline <= timestamp) {
            series.clear();
            metrics.keysExpired.inc();
            return;
        }
        s.expiryTimer = deadline;
        ctx.timerService().registerEventTimeTimer(deadline);
        series.update(s);
    }

    private long expiry(long eventTime) {
        return SeriesExpiry.deadline(eventTime, settings.seriesTtl());
    }

    ScorerMetrics metrics() {
        return metrics;
    }

    /** The state of the operator's current key (tests set the key first). */
    ScorerState currentState() throws Exception {
        return series.value();
    }
}
