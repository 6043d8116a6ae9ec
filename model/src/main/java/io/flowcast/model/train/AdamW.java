package io.flowcast.model.train;

/**
 * {@code torch.optim.AdamW}: Adam with decoupled weight decay, {@code p *= 1 - lr * weightDecay}
 * before the Adam update, so the shrinkage does not pass through the adaptive scaling.
 */
public final class AdamW implements Optimizer {

    private final AdamSettings settings;
    private final AdamState state;

    public AdamW(AdamSettings settings, int parameters) {
        this.settings = settings;
        this.state = new AdamState(parameters);
    }

    @Override
    public void step(float[] params, float[] grads) {
        if (settings.weightDecay() != 0) {
            float keep = (float) (1 - settings.learningRate() * settings.weightDecay());
            for (int i = 0; i < params.length; i++) {
                params[i] *= keep;
            }
        }
        state.update(params, grads, settings, 0f);
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
        return "AdamW" + settings;
    }
}
