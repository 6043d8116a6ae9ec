package io.flowcast.jobs.forecast;

import io.flowcast.model.NetConfig;
import java.io.IOException;
import java.io.Serializable;

/**
 * Where the forecaster's weights come from; each parallel instance loads them once, in {@code open()}.
 * This is the hook for trained weights: a source that reads a weight file (or, later, the broadcast
 * model stream) returns them with a version above 0, and the forecaster then forecasts with the net.
 */
@FunctionalInterface
public interface WeightSource extends Serializable {

    /** Weights for a net of exactly {@code config}'s shape. */
    ModelWeights load(NetConfig config) throws IOException;
}
