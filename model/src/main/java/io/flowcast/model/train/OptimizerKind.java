package io.flowcast.model.train;

/** Which optimizer the trainer builds. */
public enum OptimizerKind {
    ADAM {
        @Override
        public Optimizer create(AdamSettings settings, int parameters) {
            return new Adam(settings, parameters);
        }
    },
    ADAMW {
        @Override
        public Optimizer create(AdamSettings settings, int parameters) {
            return new AdamW(settings, parameters);
        }
    };

    public abstract Optimizer create(AdamSettings settings, int parameters);
}
