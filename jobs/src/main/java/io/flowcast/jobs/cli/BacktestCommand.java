package io.flowcast.jobs.cli;

import io.flowcast.jobs.backtest.BacktestJob;
import io.flowcast.jobs.backtest.BacktestRun;
import io.flowcast.jobs.backtest.BacktestScores;
import io.flowcast.jobs.backtest.ForecastCsv;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.records.DeadLetter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backtest}: the forecasting operators over CSV files as a bounded job; writes every forecast, prints accuracy. */
@Command(name = "backtest", description = "Run the forecaster over a CSV file or a folder of them; write every forecast and print accuracy.")
final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, description = "A CSV file, or a folder searched recursively for *.csv.")
    Path input;

    @Option(names = "--out", required = true, description = "Forecast CSV to write: key,timestamp,horizon,forecast.")
    Path out;

    @Option(names = "--parallelism", description = "Flink parallelism (default: available processors).")
    int parallelism = Runtime.getRuntime().availableProcessors();

    @Option(names = "--skip", description = "Warm-up events per series left out of the scores (default ${DEFAULT-VALUE}).")
    int skip = 0;

    @Option(names = "--per-key", description = "Also print the scores of every series.")
    boolean perKey;

    @Mixin
    ForecastOptions forecast;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintStream o = System.out;
        ForecastSettings settings = forecast.settings();
        o.println("backtest " + input + ", parallelism " + parallelism + ", " + settings);
        BacktestRun run = BacktestJob.run(input, settings, parallelism);
        long rows = ForecastCsv.write(out, run.forecasts());
        o.printf(Locale.ROOT, "files %d, events %d, keys %d, forecasts %d (%d rows written to %s)%n",
                run.files().size(), run.events(), run.forecasts().size(), run.forecastCount(), rows, out);
        o.println("dead letters " + run.deadLetters().size() + (run.deadLetters().isEmpty() ? "" : " " + run.deadLettersByReason()));
        printExamples(o, run);
        BacktestScores scores = BacktestJob.score(run, settings.horizons(), skip);
        o.println("missing values " + scores.missingValues() + " (forecast through with the value imputed; not scored)");
        o.println("accuracy (model version 0 = " + (settings.seasonLength() == 0 ? "persistence" : "seasonal naive, season "
                + settings.seasonLength()) + (skip > 0 ? ", first " + skip + " events per series skipped" : "")
                + "; over several series: mean of per-series figures)");
        o.println("horizon  pairs       NRMSE    WAPE     persistence NRMSE  WAPE");
        for (BacktestScores.Score s : scores.perHorizon()) {
            o.printf(Locale.ROOT, "%7d  %-10d  %6.4f   %6.4f   %6.4f             %6.4f%n", s.horizon(), s.pairs(), s.nrmse(),
                    s.wape(), s.persistenceNrmse(), s.persistenceWape());
        }
        if (perKey) {
            for (BacktestScores.Score s : scores.perKey()) {
                o.printf(Locale.ROOT, "%s  h=%d  pairs %d  NRMSE %.4f  WAPE %.4f  persistence NRMSE %.4f  WAPE %.4f%n",
                        s.key(), s.horizon(), s.pairs(), s.nrmse(), s.wape(), s.persistenceNrmse(), s.persistenceWape());
            }
        }
        o.printf(Locale.ROOT, "done in %.1f s (job %.1f s)%n", (System.nanoTime() - started) / 1e9, run.seconds());
        return 0;
    }

    /** The first few dead letters of each reason, so a late or unreadable row can be found in its file. */
    private static void printExamples(PrintStream o, BacktestRun run) {
        String reason = null;
        int shown = 0;
        for (DeadLetter d : run.deadLetters()) {
            shown = d.reason.equals(reason) ? shown + 1 : 0;
            reason = d.reason;
            if (shown < 3) {
                o.println("  " + d.reason + ": " + d.detail + (d.offset >= 0 ? " (" + d.topic + " line " + d.offset + ")" : ""));
            }
        }
    }
}
