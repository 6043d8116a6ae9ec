package io.flowcast.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PersistenceForecasterTest {

    private KeyedOneInputStreamOperatorTestHarness<String, Observation, Forecast> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PersistenceForecaster(4)), o -> o.key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String key, long ts, float value) throws Exception {
        harness.processElement(new Observation(key, ts, String.valueOf(ts), new float[] {value, 99f}), ts);
    }

    private List<Forecast> forecasts() {
        return harness.extractOutputValues();
    }

    @Test
    void everyHorizonIsTheLastKnownValueOfTheFirstFeaturePerKey() throws Exception {
        send("a", 1, Float.NaN); // nothing known yet
        send("a", 2, 5f);
        send("b", 2, 7f);
        send("a", 3, Float.NaN); // missing: carries 5 forward
        send("a", 4, 6f);
        List<Forecast> out = forecasts();
        assertThat(out).hasSize(5);
        assertThat(out.get(0).values).containsExactly(Float.NaN, Float.NaN, Float.NaN, Float.NaN);
        assertThat(out.get(1).values).containsExactly(5f, 5f, 5f, 5f);
        assertThat(out.get(2).values).containsExactly(7f, 7f, 7f, 7f);
        assertThat(out.get(3).values).containsExactly(5f, 5f, 5f, 5f);
        assertThat(out.get(4).values).containsExactly(6f, 6f, 6f, 6f);
        Forecast f = out.get(3);
        assertThat(f.key).isEqualTo("a");
        assertThat(f.eventTime).isEqualTo(3);
        assertThat(f.rawTimestamp).isEqualTo("3");
        assertThat(f.modelVersion).isZero();
        assertThat(f.p10).isNull();
    }

    @Test
    void anOutOfOrderObservationDoesNotRollTheSeriesBack() throws Exception {
        send("a", 10, 5f);
        send("a", 8, 1f); // late: its own forecast uses its own value...
        send("a", 11, Float.NaN); // ...but the newest known value is still the one at t=10
        List<Forecast> out = forecasts();
        assertThat(out.get(1).values[0]).isEqualTo(1f);
        assertThat(out.get(2).values[0]).isEqualTo(5f);
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        send("a", 1, 5f);
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PersistenceForecaster(4)), o -> o.key, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        send("a", 2, Float.NaN);
        assertThat(forecasts()).singleElement().satisfies(f -> assertThat(f.values[0]).isEqualTo(5f));
    }
}
