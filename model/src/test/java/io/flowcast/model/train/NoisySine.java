package io.flowcast.model.train;

import java.util.SplittableRandom;

/** A sine of period 20 with Gaussian noise of standard deviation 0.1: MSE 0.01 is the noise floor. */
final class NoisySine {

    private NoisySine() {
    }

    static float[] series(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] s = new float[length];
        for (int t = 0; t < length; t++) {
            s[t] = (float) (Math.sin(2 * Math.PI * t / 20.0) + 0.1 * gaussian(random));
        }
        return s;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static WindowedSamples samples(int length, int window, int horizon, long seed) {
        return WindowedSamples.fromSeries(series(length, seed), window, horizon);
    }
}
