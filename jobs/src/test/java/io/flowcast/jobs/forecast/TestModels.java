package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.online.ServingModel;

/** Small {@link ServingModel}s built directly: a seeded LSTM residual net, distinct per version. */
final class TestModels {

    static final int HORIZON = 3;
    static final int WINDOW = 6;
    static final int SEASON = 4;

    private TestModels() {
    }

    /**
     * Version {@code version} of model {@code name}, serving events after {@code trainedUpTo}. (The first
     * release's models also carried a frozen scaler for key "a"; a model now serves every series with
     * that series' own running scaler.)
     */
    static ServingModel model(String name, long version, long trainedUpTo, boolean quantiles) {
        return model(name, version, trainedUpTo, quantiles, HORIZON);
    }

    /** As {@link #model(String, long, long, boolean)}, forecasting {@code horizon} steps. */
    static ServingModel model(String name, long version, long trainedUpTo, boolean quantiles, int horizon) {
        ServingModel.Shape shape = new ServingModel.Shape(horizon, WINDOW, SEASON, 1, quantiles);
        NetConfig config = new NetConfig(CellType.LSTM, shape.inputSize(), 4, 1, horizon * shape.outputsPerHorizon());
        float[] baseline = new float[2 * horizon];
        for (int k = 0; k < horizon; k++) {
            baseline[2 * k] = 0.6f + 0.01f * version;
            baseline[2 * k + 1] = 0.3f;
        }
        return new ServingModel(name, version, shape, RecurrentNet.initialized(config, 100 + version), baseline,
                new float[0], new ServingModel.Info(trainedUpTo, 100, 0.5, 0.6, 1));
    }

    static ModelRecord record(String name, long version, long trainedUpTo, boolean quantiles) {
        return ModelRecord.of(model(name, version, trainedUpTo, quantiles));
    }
}
