package io.flowcast.jobs.bench;

import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.forecast.SeriesState;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.online.ResidualForecaster;
import io.flowcast.model.online.ServingModel;
import java.io.Serializable;

/**
 * The model the job benchmark serves: a seeded, untrained net of the given size, published as version 1
 * and serving from the first event, so every event steps a real recurrent net (and the figures measure
 * what a trained model costs). Its baseline is persistence; no frozen scalers (each key's live scaler).
 *
 * @param window steps replayed when a key re-warms (the history kept per key)
 */
public record BenchModel(CellType cell, int hidden, int layers, int window, long seed) implements Serializable {

    public static final String NAME = ForecastSettings.DEFAULT_MODEL;

    public ServingModel model(ForecastSettings settings) {
        int horizon = settings.horizons();
        ServingModel.Shape shape = new ServingModel.Shape(horizon, window, 0, 0, false);
        NetConfig config = new NetConfig(cell, 1 + CalendarFeatures.SIZE, hidden, layers, horizon);
        float[] persistence = new float[2 * horizon];
        for (int k = 0; k < horizon; k++) {
            persistence[2 * k] = 1f;
        }
        return new ServingModel(NAME, 1, shape, RecurrentNet.initialized(config, seed), persistence, new float[0],
                new ServingModel.Info(Long.MIN_VALUE, 0, Double.NaN, Double.NaN, 0));
    }

    /** A key's state after a full history under this model: what the forecaster keeps per key. */
    public SeriesState fullState(ForecastSettings settings) {
        ServingModel m = model(settings);
        ResidualForecaster f = new ResidualForecaster(false, 0, 1);
        SeriesState s = SeriesState.create(m.shape().ringLength());
        float[] point = new float[horizonOf(m)];
        for (int i = 0; i < 2 * m.shape().ringLength(); i++) {
            f.append(s.serving(), 1_700_000_000_000L + i * 60_000L, (float) Math.sin(i));
            f.forecast(s.serving(), "k", m, null, point, null, null);
        }
        return s;
    }

    private static int horizonOf(ServingModel m) {
        return m.shape().horizon();
    }

    @Override
    public String toString() {
        return cell.id() + " H=" + hidden + ", " + layers + " layer(s), window " + window + ", seed " + seed;
    }
}
