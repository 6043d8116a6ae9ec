package io.flowcast.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcast.jobs.models.ModelNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepDetectionTest {

    private static final long MINUTE = 60_000L;

    @Test
    void medianIntervalIgnoresGaps() {
        long[] t = {0, 30, 60, 120, 150, 180, 300, 330};
        for (int i = 0; i < t.length; i++) {
            t[i] *= MINUTE;
        }
        assertThat(StepDetection.medianInterval(t, t.length)).isEqualTo(Duration.ofMinutes(30));
        assertThat(StepDetection.medianInterval(new long[] {0, 10, 30}, 3)).isEqualTo(Duration.ofMillis(20)); // upper median
        assertThat(StepDetection.medianInterval(new long[] {5}, 1)).isNull();
    }

    /** Half-hourly series "a" with a missing row every 7th; "b" 10-minutely but starting later. */
    private static List<TrainingPoint> points(int steps) {
        List<TrainingPoint> points = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            if (i % 7 != 3) {
                points.add(new TrainingPoint("m", "a", i * 30 * MINUTE, (float) Math.sin(i * 0.1)));
            }
            for (int j = 0; j < 3; j++) {
                if (i > 0) {
                    points.add(new TrainingPoint("m", "b", (i * 30 + j * 10) * MINUTE, (float) Math.cos(i * 0.1)));
                }
            }
        }
        points.sort(TrainingPoint::compare);
        return points;
    }

    private static final TrainerState.Fits IGNORE = new TrainerState.Fits() {
        @Override
        public void fitted(io.flowcast.model.online.Retrainer.FitOutcome outcome,
                           io.flowcast.model.online.Retrainer retrainer, long at) {
        }

        @Override
        public void late(TrainingPoint p) {
        }

        @Override
        public void refused(TrainingPoint p, IllegalArgumentException why) {
            throw why;
        }

        @Override
        public void failed(long at, IllegalArgumentException why) {
            throw why;
        }
    };

    @Test
    void theFirstSeriesFirstEventsGiveTheStepAndTheWaitingPointsAreFedAsIfItWasKnown() {
        TrainingSettings detect = TrainingSettings.defaults(5, ModelNames.fixed("m"));
        List<TrainingPoint> all = points(400);
        int firstEventsOfA = 0;
        int cut = 0;
        while (firstEventsOfA < StepDetection.EVENTS - 1) { // everything up to the 100th event of a
            firstEventsOfA += all.get(cut++).series.equals("a") ? 1 : 0;
        }
        TrainerState s = new TrainerState();
        s.feed(all.subList(0, cut), false, "m", detect, IGNORE);
        assertThat(s.step()).as("100 events of the first series are not enough").isNull();
        assertThat(s.waiting).hasSize(cut);
        s.feed(all.subList(cut, all.size()), false, "m", detect, IGNORE);
        assertThat(s.step()).isEqualTo(Duration.ofMinutes(30)); // a's, not b's 10 minutes
        assertThat(s.waiting).isEmpty();

        TrainerState known = new TrainerState();
        known.feed(all, false, "m", detect.withStep(Duration.ofMinutes(30)), IGNORE);
        assertThat(s.retrainerBytes()).isEqualTo(known.retrainerBytes());
        assertThat(s.fedUpTo).isEqualTo(known.fedUpTo);
        assertThat(s.retrainer("m", detect).recipe().window()).isEqualTo(48);
    }

    @Test
    void atTheEndOfTheInputFewerEventsDo() {
        TrainingSettings detect = TrainingSettings.defaults(5, ModelNames.fixed("m"));
        TrainerState s = new TrainerState();
        s.feed(points(20), false, "m", detect, IGNORE);
        assertThat(s.step()).isNull();
        s.feed(List.of(), true, "m", detect, IGNORE);
        assertThat(s.step()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.retrainer("m", detect).keyCount()).isEqualTo(2);
    }
}
