package io.flowcast.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.records.Forecast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Anomaly flags on a series with injected spikes and level shifts: a daily cycle plus Gaussian noise,
 * forecast one step ahead as the baseline forecaster does before any model (persistence), scored by
 * the real scorer with the default band (4 sd of the one-step error, from the last 100 errors).
 * The one-step error of persistence on this series has a standard deviation of about 2.3 (the noise's
 * 1.4 and the cycle's slope), and injections of 15 (level shifts) and 16 to 24 (spikes) are 6.5 to 10
 * of those. Every injection is flagged where it happens; the quiet stretches are (almost) never. The step after
 * a spike is not counted either way: persistence forecasts the spike's value there, so the return to
 * normal is as far off as the spike was (flagged, and rightly: the forecast was wrong by that much).
 */
class AnomalyDetectionTest {

    private static final long T0 = 1_709_510_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final int STEPS = 20_000;

    @Test
    void injectedSpikesAndLevelShiftsAreFlaggedAndQuietStretchesAreNot() throws Exception {
        Random random = new Random(20261203);
        float[] series = new float[STEPS];
        Set<Integer> injected = new TreeSet<>();
        Set<Integer> echoes = new TreeSet<>();
        double level = 50;
        for (int t = 0; t < STEPS; t++) {
            if (t >= 500 && t % 997 == 0) { // a level shift, up or down
                level += (t / 997 % 2 == 0 ? 1 : -1) * 15;
                injected.add(t);
            }
            series[t] = (float) (level + 10 * Math.sin(2 * Math.PI * t / 24) + random.nextGaussian());
        }
        for (int t = 700; t < STEPS; t += 613) { // spikes, both signs, 16 to 24 above or below
            if (injected.contains(t) || injected.contains(t + 1) || injected.contains(t - 1)) {
                continue;
            }
            series[t] += (float) ((t % 2 == 0 ? 1 : -1) * (16 + 8 * random.nextDouble()));
            injected.add(t);
            echoes.add(t + 1);
        }

        ForecastScorer scorer = new ForecastScorer(new ScoringSettings(1, ScoringSettings.DEFAULT_WINDOW,
                Duration.ZERO));
        List<ForecastError> oneStep = new ArrayList<>();
        try (var h = ForecastScorerTest.harness(scorer)) {
            for (int t = 0; t < STEPS; t++) {
                h.processElement(persistence(t, series[t]), T0 + t * HOUR);
            }
            for (ForecastError e : h.extractOutputValues()) {
                oneStep.add(e);
            }
        }

        Set<Integer> flagged = new TreeSet<>();
        int judged = 0;
        for (ForecastError e : oneStep) {
            if (e.anomaly() != null) {
                judged++;
                if (e.anomaly().flagged()) {
                    flagged.add((int) ((e.targetTime() - T0) / HOUR));
                }
            }
        }
        Set<Integer> missed = new TreeSet<>(injected);
        missed.removeAll(flagged);
        Set<Integer> falsePositives = new TreeSet<>(flagged);
        falsePositives.removeAll(injected);
        falsePositives.removeAll(echoes);
        int quiet = judged - injected.size() - echoes.size();
        double falsePositiveRate = (double) falsePositives.size() / quiet;
        System.out.printf(Locale.ROOT, "anomaly test: %d injected (%d level shifts, %d spikes), %d detected, "
                        + "%d false positives in %d quiet steps (rate %.5f)%n", injected.size(), STEPS / 997,
                injected.size() - STEPS / 997, injected.size() - missed.size(), falsePositives.size(), quiet,
                falsePositiveRate);

        assertThat(judged).as("judged from the 21st step on").isEqualTo(STEPS - 1 - AnomalyRule.MIN_RESIDUALS);
        assertThat(missed).as("injections not flagged").isEmpty();
        assertThat(falsePositiveRate).as("flags in quiet stretches: %s", falsePositives).isLessThan(0.001);
        assertThat(scorer.metrics().anomalies.getCount()).isEqualTo(flagged.size());
        ForecastError worst = oneStep.stream().filter(e -> e.anomaly() != null)
                .max((x, y) -> Float.compare(x.anomaly().score(), y.anomaly().score())).orElseThrow();
        Set<Integer> injectedOrEcho = new TreeSet<>(injected);
        injectedOrEcho.addAll(echoes);
        assertThat(injectedOrEcho).as("the highest score is an injection or its echo")
                .contains((int) ((worst.targetTime() - T0) / HOUR));
        assertThat(worst.anomaly().score()).as("band widths outside").isGreaterThan(0.1f);
    }

    /**
     * Real data: NYC taxi passengers per half hour (NAB), forecast one step ahead by the value one week
     * (336 steps) earlier, the seasonal naive forecast. NAB labels five anomaly windows on this file (the
     * marathon, Thanksgiving, Christmas, New Year, a blizzard; data/README.md). The scorer's flags fall in
     * every one of them, several times denser than elsewhere.
     */
    @Test
    void onNycTaxiTheFlagsFallInEveryOneOfNabsLabelledWindows() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(
                io.flowcast.jobs.SharedData.file("nab/realKnownCause/nyc_taxi.csv"));
        int n = lines.size() - 1;
        long[] times = new long[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i + 1).split(",");
            times[i] = java.time.LocalDateTime.parse(cells[0].replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC)
                    .toEpochMilli();
            values[i] = Float.parseFloat(cells[1]);
        }
        long[][] windows = {
            window("2014-10-30T15:30", "2014-11-03T22:30"), window("2014-11-25T12:00", "2014-11-29T19:00"),
            window("2014-12-23T11:30", "2014-12-27T18:30"), window("2014-12-29T21:30", "2015-01-03T04:30"),
            window("2015-01-24T20:30", "2015-01-29T03:30")};
        int week = 336;
        ForecastScorer scorer = new ForecastScorer(new ScoringSettings(1, ScoringSettings.DEFAULT_WINDOW,
                Duration.ZERO));
        List<ForecastError> out;
        try (var h = ForecastScorerTest.harness(scorer)) {
            for (int t = 0; t < n; t++) {
                Forecast f = new Forecast();
                f.key = "nyc_taxi";
                f.eventTime = times[t];
                f.values = new float[] {t + 1 >= week ? values[t + 1 - week] : Float.NaN};
                f.observed = values[t];
                h.processElement(f, times[t]);
            }
            out = h.extractOutputValues();
        }
        int[] flagsInWindow = new int[windows.length];
        int flagsOutside = 0;
        int judgedOutside = 0;
        int judgedInside = 0;
        for (ForecastError e : out) {
            if (e.anomaly() == null) {
                continue;
            }
            int in = -1;
            for (int w = 0; w < windows.length; w++) {
                if (e.targetTime() >= windows[w][0] && e.targetTime() <= windows[w][1]) {
                    in = w;
                }
            }
            if (in >= 0) {
                judgedInside++;
                flagsInWindow[in] += e.anomaly().flagged() ? 1 : 0;
            } else {
                judgedOutside++;
                flagsOutside += e.anomaly().flagged() ? 1 : 0;
            }
        }
        double outsideRate = (double) flagsOutside / judgedOutside;
        double insideRate = (double) java.util.Arrays.stream(flagsInWindow).sum() / judgedInside;
        System.out.printf(Locale.ROOT, "anomaly test, NYC taxi: flags per NAB window %s (rate %.4f of %d steps); "
                        + "%d flags in %d steps outside the windows (rate %.4f)%n", java.util.Arrays.toString(flagsInWindow),
                insideRate, judgedInside, flagsOutside, judgedOutside, outsideRate);
        assertThat(java.util.Arrays.stream(flagsInWindow).boxed().toList()).as("every labelled window has a flag")
                .allMatch(count -> count > 0);
        // Outside NAB's windows lie unlabelled holidays too (Labor Day, Columbus Day, Veterans Day), which a
        // week-old forecast misses as well; still, flags are several times denser inside the windows.
        assertThat(outsideRate).as("flags outside the labelled windows").isLessThan(0.03);
        assertThat(insideRate).as("flag rate inside the windows vs outside").isGreaterThan(3 * outsideRate);
    }

    private static long[] window(String from, String to) {
        return new long[] {java.time.LocalDateTime.parse(from).toInstant(java.time.ZoneOffset.UTC).toEpochMilli(),
            java.time.LocalDateTime.parse(to).toInstant(java.time.ZoneOffset.UTC).toEpochMilli()};
    }

    /** The forecast the baseline makes at step t: the value just seen, for the next step. */
    private static Forecast persistence(int t, float value) {
        Forecast f = new Forecast();
        f.key = "machine";
        f.eventTime = T0 + t * HOUR;
        f.modelVersion = 0;
        f.values = new float[] {value};
        f.observed = value;
        return f;
    }
}
