package io.flowcast.jobs.forecast;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;

/** Untrained weights from a seed (version 0): every parallel instance gets the same net. */
public record SeededWeights(long seed) implements WeightSource {

    @Override
    public ModelWeights load(NetConfig config) {
        return new ModelWeights(0, RecurrentNet.initialized(config, seed));
    }
}
