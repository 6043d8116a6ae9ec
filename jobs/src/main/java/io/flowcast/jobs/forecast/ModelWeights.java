package io.flowcast.jobs.forecast;

import io.flowcast.model.RecurrentNet;

/**
 * A net and the version of its weights. Version 0 means untrained: the net still advances every
 * series' state (so state and cost are real), but the forecast values come from the baseline.
 */
public record ModelWeights(long version, RecurrentNet net) {

    public ModelWeights {
        if (version < 0) {
            throw new IllegalArgumentException("model version must be >= 0, got " + version);
        }
        if (net == null) {
            throw new IllegalArgumentException("net is required");
        }
    }

    /** Trained weights forecast; untrained ones leave the values to the baseline. */
    public boolean trained() {
        return version > 0;
    }
}
