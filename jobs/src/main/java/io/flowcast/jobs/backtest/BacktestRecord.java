package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * What the backtest job hands to its client, through one collect sink (two collect sinks read one
 * after the other could stall each other): a forecast without its strings, or a dead letter. The
 * collect path writes strings a byte at a time, so the forecast travels as the index of its series
 * and its event time; the client, which reads the files anyway for scoring, puts the key and the raw
 * timestamp back. A Flink POJO; {@code series} is -1 for a dead letter.
 */
public class BacktestRecord {

    public int series = -1;
    public long eventTime;
    public long modelVersion;
    public float[] values;
    public float[] p10;
    public float[] p90;
    public DeadLetter deadLetter;

    public BacktestRecord() {
    }

    static BacktestRecord of(DeadLetter deadLetter) {
        BacktestRecord r = new BacktestRecord();
        r.deadLetter = deadLetter;
        return r;
    }

    /** The forecast again, with the key and raw timestamp the client knows. */
    Forecast toForecast(String key, String rawTimestamp) {
        Forecast f = new Forecast();
        f.key = key;
        f.eventTime = eventTime;
        f.rawTimestamp = rawTimestamp;
        f.modelVersion = modelVersion;
        f.values = values;
        f.p10 = p10;
        f.p90 = p90;
        return f;
    }

    /** Forecast to record, the key replaced by its index in the run's series list. */
    static final class FromForecast implements MapFunction<Forecast, BacktestRecord> {
        private static final long serialVersionUID = 1L;
        private final Map<String, Integer> seriesIndex;

        FromForecast(Map<String, Integer> seriesIndex) {
            this.seriesIndex = seriesIndex;
        }

        @Override
        public BacktestRecord map(Forecast f) {
            Integer index = seriesIndex.get(f.key);
            if (index == null) {
                throw new IllegalStateException("forecast for series " + f.key + ", which no input file declares");
            }
            BacktestRecord r = new BacktestRecord();
            r.series = index;
            r.eventTime = f.eventTime;
            r.modelVersion = f.modelVersion;
            r.values = f.values;
            r.p10 = f.p10;
            r.p90 = f.p90;
            return r;
        }
    }
}
