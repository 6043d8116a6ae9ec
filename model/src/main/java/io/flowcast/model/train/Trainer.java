package io.flowcast.model.train;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Mini-batch training of a {@link RecurrentNet} on {@link WindowedSamples}, warm-started from the
 * net's current weights.
 *
 * <p>The newest {@code validationFraction} of the samples is held out, never shuffled into
 * training: with forecasting data a random split would validate on the past of training samples
 * and flatter the model. Each epoch shuffles the training part with a {@link SplittableRandom}
 * seeded from the config, so the same seed, data and starting weights give bit-identical weights.
 * Per batch nothing is allocated. With a validation set the net ends with the weights of the best
 * validation loss seen (the starting weights included), and training stops after
 * {@code patience} epochs without improvement.
 */
public final class Trainer {

    private final TrainingConfig config;

    public Trainer(TrainingConfig config) {
        this.config = config;
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains {@code net} in place and reports what happened.
     *
     * @throws IllegalArgumentException if the samples do not fit the net, leave nothing to train
     *                                  on after the validation split, have no target in the
     *                                  validation part, or contain a non-finite input
     */
    public TrainingReport fit(RecurrentNet net, WindowedSamples samples) {
        long start = System.nanoTime();
        requireFits(net, samples);
        int validationCount = validationCount(samples.count());
        int trainCount = samples.count() - validationCount;
        WindowedSamples train = samples.slice(0, trainCount);
        WindowedSamples validation = samples.slice(trainCount, samples.count());
        if (validationCount > 0 && validation.presentTargets() == 0) {
            // Every epoch would validate as NaN, stop after `patience` and restore the start.
            throw new IllegalArgumentException("the newest " + validationCount
                    + " samples, held out for validation, have no target (all NaN)");
        }

        MiniBatches batches = new MiniBatches(train, config.batchSize());
        Optimizer optimizer = config.optimizer().create(config.adamSettings(), net.parameters().length);
        SafeUpdate update = new SafeUpdate(net, optimizer, config.loss(), config.clipNorm(), batches.fullSize());
        Evaluator evaluator = new Evaluator(net, config.loss(), config.batchSize());
        double initialValidation = validationCount > 0 ? evaluator.meanLoss(validation) : Double.NaN;
        EarlyStopping stopping = validationCount > 0
                ? new EarlyStopping(config.patience(), net.parameters(), initialValidation) : null;
        SplittableRandom random = new SplittableRandom(config.seed());

        int epochsRun = 0;
        long applied = 0;
        long skipped = 0;
        double trainLoss = Double.NaN;
        boolean stoppedEarly = false;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            batches.shuffle(random);
            double lossSum = 0;
            long targetCount = 0;
            for (int i = 0; i < batches.batches(); i++) {
                SequenceBatch batch = batches.fill(i);
                int present = batches.presentTargets();
                if (present == 0) {
                    continue; // nothing to learn from; not a numerical failure
                }
                if (update.apply(batch)) {
                    applied++;
                    lossSum += update.lastLoss() * present;
                    targetCount += present;
                } else {
                    skipped++;
                }
            }
            trainLoss = targetCount > 0 ? lossSum / targetCount : Double.NaN;
            epochsRun = epoch;
            if (stopping != null) {
                stopping.record(epoch, evaluator.meanLoss(validation), net.parameters());
                if (stopping.shouldStop() && epoch < config.epochs()) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        if (stopping != null) {
            net.setParameters(stopping.bestParameters());
        }
        return new TrainingReport(epochsRun, stopping != null ? stopping.bestEpoch() : -1, initialValidation,
                stopping != null ? stopping.bestLoss() : Double.NaN, trainLoss, applied, skipped, stoppedEarly,
                trainCount, validationCount, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Mean loss (the config's loss) of {@code net} over every present target of {@code samples}. */
    public double evaluate(RecurrentNet net, WindowedSamples samples) {
        requireFits(net, samples);
        return new Evaluator(net, config.loss(), config.batchSize()).meanLoss(samples);
    }

    /** At least one sample is held out whenever the fraction is positive; at least one is trained on. */
    private int validationCount(int count) {
        if (config.validationFraction() == 0) {
            return 0;
        }
        int held = Math.max(1, (int) Math.round(count * config.validationFraction()));
        if (held >= count) {
            throw new IllegalArgumentException(count + " samples leave none to train on after holding out "
                    + held + " for validation (validationFraction " + config.validationFraction() + ")");
        }
        return held;
    }

    private static void requireFits(RecurrentNet net, WindowedSamples samples) {
        NetConfig c = net.config();
        if (samples.inputSize() != c.inputSize() || samples.outputSize() != c.outputSize()) {
            throw new IllegalArgumentException("samples have " + samples.inputSize() + " inputs and "
                    + samples.outputSize() + " targets per step; " + c + " needs " + c.inputSize() + " and "
                    + c.outputSize());
        }
    }
}
