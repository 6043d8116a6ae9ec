package io.flowcast.model.train;

import java.time.Duration;
import java.util.Locale;

/**
 * What a {@link Trainer#fit} did.
 *
 * @param epochsRun             epochs completed
 * @param bestEpoch             the epoch whose weights the net now holds (0: the starting
 *                              weights); -1 when there was no validation set and the net holds
 *                              the last epoch's weights
 * @param initialValidationLoss validation loss of the starting weights (NaN without validation)
 * @param bestValidationLoss    validation loss of the weights returned (NaN without validation)
 * @param finalTrainLoss        mean training loss over the last epoch's applied steps, each
 *                              measured before its update, weighted by present targets
 * @param appliedSteps          optimizer steps taken
 * @param skippedSteps          steps not applied because the loss, a gradient, or the update
 *                              was NaN or infinite
 * @param stoppedEarly          whether patience ran out before the last epoch
 * @param trainSamples          samples trained on
 * @param validationSamples     newest samples held out
 * @param elapsed               wall time of the fit
 */
public record TrainingReport(int epochsRun, int bestEpoch, double initialValidationLoss, double bestValidationLoss,
                             double finalTrainLoss, long appliedSteps, long skippedSteps, boolean stoppedEarly,
                             int trainSamples, int validationSamples, Duration elapsed) {

    /** Sequences per second over all epochs, counting every trained sample once per epoch. */
    public double sequencesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? (double) trainSamples * epochsRun / seconds : Double.NaN;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TrainingReport{");
        s.append(epochsRun).append(epochsRun == 1 ? " epoch" : " epochs");
        if (stoppedEarly) {
            s.append(" (stopped early)");
        }
        s.append(", ");
        if (validationSamples > 0) {
            s.append(String.format(Locale.ROOT, "validation loss %.6g -> best %.6g at epoch %d, ",
                    initialValidationLoss, bestValidationLoss, bestEpoch));
        } else {
            s.append("no validation, ");
        }
        s.append(String.format(Locale.ROOT, "final train loss %.6g, steps applied %d, skipped %d, "
                        + "samples %d train + %d validation, %.3f s (%.0f sequences/s)}",
                finalTrainLoss, appliedSteps, skippedSteps, trainSamples, validationSamples,
                elapsed.toNanos() / 1e9, sequencesPerSecond()));
        return s.toString();
    }
}
