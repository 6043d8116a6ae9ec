package io.flowcast.model.train;

/**
 * {@code torch.optim.Adam}: bias-corrected moment estimates; {@code weightDecay} is classic L2,
 * added to the gradient before the moments see it (so it is rescaled by the adaptive step).
 */
public final class Adam implements Optimizer {

    private final AdamSettings settings;
    private final AdamState state;

    public Adam(AdamSettings settings, int parameters) {
        this.settings = settings;
        this.state = new AdamState(parameters);
    }

    @Override
    public void step(float[] params, float[] grads) {
        state.update(params, grads, settings, (float) settings.weightDecay());
    }

    @Override
    public AdamSettings settings() {
        return settings;
    }

    @Override
    public AdamState state() {
        return state;
    }

    @Override
    public String toString() {
        return "Adam" + settings;
    }
}
