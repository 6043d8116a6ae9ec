package io.flowcast.model.train;

/** Updates a flat parameter array in place from a gradient of the same layout. */
public interface Optimizer {

    /** One update; allocates nothing. */
    void step(float[] params, float[] grads);

    AdamSettings settings();

    /** The state carried between steps, for checkpointing and rollback. */
    AdamState state();
}
