package io.flowcast.jobs.forecast;

import static io.flowcast.jobs.forecast.ForecastHarness.MINUTE;
import static io.flowcast.jobs.forecast.ForecastHarness.T0;
import static io.flowcast.jobs.forecast.ForecastHarness.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.pipeline.ForecastPipeline;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import io.flowcast.jobs.train.TrainerInput;
import io.flowcast.jobs.train.TrainingSettings;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idle series expire: one event-time timer per series at its last event + TTL (moved forward when
 * it fires early); when the watermark passes that deadline the series' keyed state and timer are
 * gone, the {@code keys} gauge counts it down, and a series that returns starts over.
 */
class SeriesExpiryTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final long TTL_MS = TTL.toMillis();
    private final ForecastSettings settings = ForecastSettings.defaults().withHorizons(3).withSeriesTtl(TTL);

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("hashmap"), Arguments.of("rocksdb"));
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void anIdleSeriesLosesItsStateAndTimerWhenTheWatermarkPassesItsDeadlineWhileASendingOneKeepsBoth(String backend)
            throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings, List.of(), backend(backend), null)) {
            h.send(obs("idle", T0, 5f));
            h.send(obs("idle", T0 + MINUTE, 6f));
            long idleDeadline = T0 + MINUTE + TTL_MS;
            for (long t = T0; t <= T0 + 3 * TTL_MS; t += 10 * MINUTE) {
                h.send(obs("busy", t, 1f));
                h.watermark(Math.min(t, idleDeadline - 1)); // up to just before the idle series' deadline
                assertThat(h.numEventTimeTimers()).as("one timer per series, whatever the events").isEqualTo(2);
            }
            assertThat(h.state("idle")).as("still there a millisecond before its deadline").isNotNull();
            assertThat(h.state("idle").expiryTimer()).as("moved from its first event's deadline to its last's")
                    .isEqualTo(idleDeadline);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.metrics().keys()).isEqualTo(2);

            h.watermark(idleDeadline);

            assertThat(h.state("idle")).isNull();
            assertThat(h.numKeyedStateEntries()).as("only the busy series' state is left").isEqualTo(1);
            assertThat(h.numEventTimeTimers()).as("only the busy series' timer is left").isEqualTo(1);
            assertThat(h.metrics().keys()).isEqualTo(1);
            assertThat(h.metrics().keysExpired.getCount()).isEqualTo(1);
            SeriesState busy = h.state("busy");
            assertThat(busy.steps()).isEqualTo(19);
            assertThat(busy.expiryTimer()).isLessThanOrEqualTo(busy.lastEventTime() + TTL_MS)
                    .isGreaterThan(idleDeadline);

            h.watermark(busy.lastEventTime() + TTL_MS);

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.metrics().keys()).isZero();
            assertThat(h.metrics().keysExpired.getCount()).isEqualTo(2);
            assertThat(h.forecasts()).as("expiry emits nothing").hasSize(2 + 19);
        }
    }

    @Test
    void aReturningSeriesStartsOverWithAFreshStateTimerAndCensusRecord() throws Exception {
        ModelNames names = ModelNames.fixed(settings.modelNames().fixedName());
        TrainingSettings training = TrainingSettings.defaults(3, names).withStep(Duration.ofMinutes(1))
                .with("window", "6").with("season", "4").with("seasons", "1");
        try (ForecastHarness h = new ForecastHarness(settings.withSeasonLength(2), List.of(), training, null, null)) {
            for (int i = 0; i < 10; i++) {
                h.send(obs("s", T0 + i * MINUTE, 100f + i));
            }
            h.watermark(T0 + 9 * MINUTE + TTL_MS);
            assertThat(h.state("s")).isNull();
            assertThat(h.metrics().keys()).isZero();

            long back = T0 + 5 * TTL_MS;
            Forecast f = h.send(obs("s", back, 7f)).get(0);

            assertThat(f.values).as("forecast from scratch: persistence of the one value, no season of the old history")
                    .containsExactly(7f, 7f, 7f);
            SeriesState s = h.state("s");
            assertThat(s.steps()).isEqualTo(1);
            assertThat(s.lastEventTime()).isEqualTo(back);
            assertThat(s.typicalGapMillis()).as("no gap from the old history").isZero();
            assertThat(s.serving().liveScaler().count()).isEqualTo(1);
            assertThat(s.serving().liveScaler().mean(0)).isEqualTo(7.0);
            assertThat(s.expiryTimer()).isEqualTo(back + TTL_MS);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.metrics().keys()).isEqualTo(1);
            assertThat(h.metrics().gaps.getCount()).isZero();
            assertThat(h.training().stream().filter(TrainerInput::isCensus).toList()).as("a census record per start")
                    .containsExactly(TrainerInput.started(names.fixedName(), "s", T0),
                            TrainerInput.started(names.fixedName(), "s", back));
        }
    }

    @Test
    void aModelServedSeriesThatReturnsIsReWarmedFromItsNewHistoryOnly() throws Exception {
        String name = settings.modelNames().fixedName();
        ForecastSettings s = settings.withHorizons(TestModels.HORIZON).withSeasonLength(TestModels.SEASON);
        try (ForecastHarness h = new ForecastHarness(s, List.of(TestModels.record(name, 1, Long.MIN_VALUE, false)),
                null, null)) {
            for (int i = 0; i < 12; i++) {
                h.send(obs("s", T0 + i * MINUTE, (float) Math.sin(i)));
            }
            h.watermark(T0 + 11 * MINUTE + TTL_MS);
            long back = T0 + 3 * TTL_MS;
            Forecast f = h.send(obs("s", back, 3f)).get(0);

            // What a series never seen before gets for the same event: nothing of the old history is left.
            try (ForecastHarness fresh = new ForecastHarness(s, List.of(TestModels.record(name, 1, Long.MIN_VALUE, false)),
                    null, null)) {
                Forecast expected = fresh.send(obs("s", back, 3f)).get(0);
                assertThat(f.modelVersion).isEqualTo(1);
                assertThat(f.values).containsExactly(expected.values);
                assertThat(h.state("s")).isEqualTo(fresh.state("s"));
            }
        }
    }

    @Test
    void aTimeNearTheEndOfTimeSaturatesTheTimerInsteadOfWrapping() throws Exception {
        ForecastFunction function = new ForecastFunction(settings);
        try (KeyedBroadcastOperatorTestHarness<String, Observation, ModelRecord, Forecast> h =
                     ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(function,
                             new ForecastPipeline.SeriesKey(), Types.STRING, ForecastFunction.MODELS)) {
            long late = Long.MAX_VALUE - TTL_MS / 2;
            h.processElement(new StreamRecord<>(new Observation("end", late, "the end of time", new float[] {1f}), late));
            h.getOperator().setCurrentKey("end");
            assertThat(function.currentState().expiryTimer()).isEqualTo(Long.MAX_VALUE);

            h.processWatermark(new Watermark(T0)); // a wrapped (negative) deadline would fire here
            h.processBroadcastWatermark(new Watermark(T0));
            h.processWatermark(new Watermark(Long.MAX_VALUE - 1));
            h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE - 1));

            h.getOperator().setCurrentKey("end");
            assertThat(function.currentState()).isNotNull();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(ForecastHarness.numKeyedStateEntries(h)).isEqualTo(1);

            h.processWatermark(new Watermark(Long.MAX_VALUE));
            h.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));

            h.getOperator().setCurrentKey("end");
            assertThat(function.currentState()).as("the end of input clears it").isNull();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(ForecastHarness.numKeyedStateEntries(h)).isZero();
            assertThat(function.metrics().keys()).isZero();
        }
    }

    @Test
    void exactlyAtTheLastTtlBeforeTheEndOfTimeTheDeadlineIsTheEndOfTime() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            long t = Long.MAX_VALUE - TTL_MS;
            h.send(new Observation("x", t, "x", new float[] {1f}));
            h.send(new Observation("y", t - 1, "y", new float[] {1f}));

            assertThat(h.state("x").expiryTimer()).isEqualTo(Long.MAX_VALUE);
            assertThat(h.state("y").expiryTimer()).isEqualTo(Long.MAX_VALUE - 1);
            h.watermark(Long.MAX_VALUE - 1);
            assertThat(h.state("y")).isNull();
            assertThat(h.state("x")).isNotNull();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void aZeroTtlNeverExpiresAndRegistersNoTimer() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings.withSeriesTtl(Duration.ZERO))) {
            h.send(obs("a", T0, 1f));
            h.send(obs("b", T0 + MINUTE, 2f));
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.state("a").expiryTimer()).isEqualTo(Long.MIN_VALUE);

            h.watermark(Long.MAX_VALUE);

            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            assertThat(h.state("a").steps()).isEqualTo(1);
            assertThat(h.metrics().keys()).isEqualTo(2);
            assertThat(h.metrics().keysExpired.getCount()).isZero();
        }
    }

    @Test
    void aRejectedEventRegistersNoTimerAndAcceptedOnesNeverAddASecond() throws Exception {
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 1f, 2f)); // wrong width: no state, no timer
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
            for (int i = 0; i < 50; i++) {
                h.send(obs("a", T0 + i * MINUTE, i));
            }
            h.send(obs("a", T0, 1f)); // late
            h.send(obs("a", T0 + 49 * MINUTE, 1f)); // duplicate
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(h.state("a").expiryTimer()).as("the first event's deadline until the timer fires").isEqualTo(T0 + TTL_MS);

            h.watermark(T0 + TTL_MS);

            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(h.state("a").expiryTimer()).isEqualTo(T0 + 49 * MINUTE + TTL_MS);
            assertThat(h.metrics().keysExpired.getCount()).isZero();
        }
    }

    @Test
    void timersSurviveASnapshotAndTheRestoredGaugeCountsExpiriesDown() throws Exception {
        OperatorSubtaskState snapshot;
        try (ForecastHarness h = new ForecastHarness(settings)) {
            h.send(obs("a", T0, 1f));
            h.send(obs("b", T0, 1f));
            h.send(obs("c", T0, 1f));
            h.send(obs("c", T0 + 30 * MINUTE, 1f));
            h.watermark(T0 + TTL_MS); // a and b expire; c's timer moves to T0 + 90 min
            h.send(obs("b", T0 + TTL_MS + MINUTE, 1f)); // b returns
            assertThat(h.metrics().keys()).isEqualTo(2);
            snapshot = h.snapshot(1);
        }
        try (ForecastHarness restored = new ForecastHarness(settings, List.of(), null, snapshot)) {
            assertThat(restored.metrics().keys()).as("the series held at the snapshot").isEqualTo(2);
            assertThat(restored.numKeyedStateEntries()).isEqualTo(2);
            assertThat(restored.numEventTimeTimers()).isEqualTo(2);

            restored.watermark(T0 + 90 * MINUTE);

            assertThat(restored.state("c")).isNull();
            assertThat(restored.state("b")).isNotNull();
            assertThat(restored.metrics().keys()).isEqualTo(1);
            assertThat(restored.numEventTimeTimers()).isEqualTo(1);
        }
    }
}
