package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;

/**
 * What the backtest job hands to its client: a forecast or a dead letter, through one collect sink
 * (two collect sinks read one after the other could stall each other). A Flink POJO; one field is null.
 */
public class BacktestRecord {

    public Forecast forecast;
    public DeadLetter deadLetter;

    public BacktestRecord() {
    }

    static BacktestRecord of(Forecast forecast) {
        BacktestRecord r = new BacktestRecord();
        r.forecast = forecast;
        return r;
    }

    static BacktestRecord of(DeadLetter deadLetter) {
        BacktestRecord r = new BacktestRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}
