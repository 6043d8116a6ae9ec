package io.flowcast.jobs.forecast;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.features.StreamingScaler;
import io.flowcast.model.online.ServingModel;
import java.util.TreeMap;

/** Small {@link ServingModel}s built directly: a seeded LSTM residual net, distinct per version. */
final class TestModels {

    static final int HORIZON = 3;
    static final int WINDOW = 6;
    static final int SEASON = 4;

    private TestModels() {
    }

    /** Version {@code version} of model {@code name}, serving events after {@code trainedUpTo}; key "a" has a frozen scaler. */
    static ServingModel model(String name, long version, long trainedUpTo, boolean quantiles) {
        ServingModel.Shape shape = new ServingModel.Shape(HORIZON, WINDOW, SEASON, 1, quantiles);
        NetConfig config = new NetConfig(CellType.LSTM, 1 + CalendarFeatures.SIZE + HORIZON + 1, 4, 1,
                HORIZON * shape.outputsPerHorizon());
        float[] baseline = new float[2 * HORIZON];
        for (int k = 0; k < HORIZON; k++) {
            baseline[2 * k] = 0.6f + 0.01f * version;
            baseline[2 * k + 1] = 0.3f;
        }
        StreamingScaler frozen = new StreamingScaler(1);
        for (int i = 0; i < 20; i++) {
            frozen.update(new float[] {(float) (10 + 3 * Math.sin(i * 0.7 + version))});
        }
        TreeMap<String, StreamingScaler> scalers = new TreeMap<>();
        scalers.put("a", frozen);
        return new ServingModel(name, version, shape, RecurrentNet.initialized(config, 100 + version), baseline,
                new float[0], scalers, new ServingModel.Info(trainedUpTo, 100, 0.5, 0.6, 1));
    }

    static ModelRecord record(String name, long version, long trainedUpTo, boolean quantiles) {
        return ModelRecord.of(model(name, version, trainedUpTo, quantiles));
    }
}
