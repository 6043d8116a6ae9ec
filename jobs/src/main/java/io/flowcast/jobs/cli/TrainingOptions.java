package io.flowcast.jobs.cli;

import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.train.TrainingSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The trainer's settings as command-line options, shared by the commands that train. */
final class TrainingOptions {

    @Option(names = "--no-train", description = "Do not train: forecast with the baseline (model version 0) and whatever is on the models topic.")
    boolean noTrain;

    @Option(names = "--quantiles", description = "Train models that also forecast p10 and p90 (pinball loss).")
    boolean quantiles;

    @Option(names = "--step", description = "The series' grid step, e.g. PT30M or PT1H (default: the median interval of the first events).")
    Duration step;

    @Option(names = "--train", paramLabel = "NAME=VALUE", description = "Override a training setting: window, season, seasons, cell, hidden, layers, samples, min, every, first, epochs, margin, seed, lr, batch, val, patience, clip. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The training settings; null with {@code --no-train}. */
    TrainingSettings settings(int horizon, ModelNames models) {
        if (noTrain) {
            return null;
        }
        TrainingSettings s = TrainingSettings.defaults(horizon, models).withQuantiles(quantiles).withStep(step);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }
}
