package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

/**
 * Runs a {@link ForecastFunction} exactly as Flink's broadcast pattern does (keyed observations,
 * broadcast models, broadcast state {@link ForecastFunction#MODELS}), and on start hands the function
 * what was restored: the count of series in this subtask (so the {@code keys} gauge is right after a
 * restart or rescale) and the model records held at the checkpoint (so the models serving come back
 * before the first event). A function alone can see neither in {@code open()}.
 */
public final class ForecastOperator extends CoBroadcastWithKeyedOperator<String, Observation, ModelRecord, Forecast> {

    private static final long serialVersionUID = 2L;

    public ForecastOperator(ForecastFunction function) {
        super(function, List.of(ForecastFunction.MODELS));
    }

    @Override
    public void open() throws Exception {
        super.open();
        ForecastFunction function = (ForecastFunction) userFunction;
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(ForecastFunction.STATE_NAME, VoidNamespace.INSTANCE)) {
            function.seriesRestored(keys.count());
        }
        function.modelsRestored(getOperatorStateBackend().getBroadcastState(ForecastFunction.MODELS).entries());
    }
}
