package io.flowcast.jobs.forecast;

import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a {@link ForecastFunction} exactly as {@link KeyedProcessOperator} does, and on start counts
 * the series restored into this subtask, so the {@code keys} gauge is right after a restart or
 * rescale (a function alone cannot see its backend's keys).
 */
public final class ForecastOperator extends KeyedProcessOperator<String, Observation, Forecast> {

    private static final long serialVersionUID = 1L;

    public ForecastOperator(ForecastFunction function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        super.open();
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(ForecastFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            ((ForecastFunction) userFunction).seriesRestored(keys.count());
        }
    }
}
