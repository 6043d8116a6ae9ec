package io.flowcast.model.train;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;

/**
 * Throwaway measurement, not a test: training throughput of the benchmark configuration (LSTM
 * H=64, T=48, batch 32, one layer, one input, single thread). Run with
 * {@code java -cp model/target/classes:model/target/test-classes io.flowcast.model.train.TrainingThroughputMain}.
 */
final class TrainingThroughputMain {

    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        WindowedSamples samples = NoisySine.samples(48 + 4096, 48, 1, 3);
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.LSTM, 1, hidden, 1, 1), 1);
        TrainingConfig config = TrainingConfig.builder().epochs(1).batchSize(32).learningRate(1e-3)
                .validationFraction(0).build();
        Trainer trainer = new Trainer(config);
        // CPU time as well as wall time: on a shared machine the wall-clock figure mostly measures the neighbours.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 8; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            TrainingReport report = trainer.fit(net, samples);
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            System.out.printf("round %d: %.0f sequences/s wall, %.0f per CPU second%n", round,
                    report.sequencesPerSecond(), report.trainSamples() / cpuSeconds);
        }
    }
}
