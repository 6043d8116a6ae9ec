package io.flowcast.jobs.train;

import java.util.Objects;

/**
 * One accepted event of one series on its way to the trainer of its model: the model's name (the
 * trainer's key), the series key, the event time and the first value (NaN: missing). A Flink POJO.
 */
public class TrainingPoint {

    /** Name of the model the series belongs to: the trainer's key. */
    public String model;
    /** The series key. */
    public String series;
    /** Event time, epoch milliseconds. */
    public long time;
    /** The series' (first) value; NaN when missing. */
    public float value;

    public TrainingPoint() {
    }

    public TrainingPoint(String model, String series, long time, float value) {
        this.model = model;
        this.series = series;
        this.time = time;
        this.value = value;
    }

    /** Training order: event time, then series key. */
    static int compare(TrainingPoint a, TrainingPoint b) {
        int c = Long.compare(a.time, b.time);
        return c != 0 ? c : a.series.compareTo(b.series);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingPoint p && time == p.time && Float.compare(value, p.value) == 0
                && Objects.equals(model, p.model) && Objects.equals(series, p.series);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, series, time);
    }

    @Override
    public String toString() {
        return "TrainingPoint{" + model + ", " + series + " @" + time + " = " + value + "}";
    }
}
