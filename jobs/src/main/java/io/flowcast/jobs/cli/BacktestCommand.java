package io.flowcast.jobs.cli;

import io.flowcast.jobs.backtest.BacktestJob;
import io.flowcast.jobs.backtest.BacktestRun;
import io.flowcast.jobs.backtest.BacktestScores;
import io.flowcast.jobs.backtest.ClassicalAnchors;
import io.flowcast.jobs.backtest.ForecastCsv;
import io.flowcast.jobs.forecast.ForecastSettings;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.backtest.SeriesFile;
import io.flowcast.jobs.models.ModelNames;
import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.train.TrainingSettings;
import io.flowcast.model.online.ServingModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backtest}: the forecasting operators over CSV files as a bounded job; writes every forecast, prints accuracy. */
@Command(name = "backtest", description = {
        "Run the forecaster over a CSV file or a folder of them; write every forecast and print accuracy.",
        "Exit code 2, with one line saying why, when the input is missing or yields nothing to score."})
final class BacktestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

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

    @Option(names = "--per-file", description = "Also print a table of every file: series, model versions, first and last horizon against persistence.")
    boolean perFile;

    @Option(names = "--anchors", description = "Classical forecasters' results to compare with, where they scored the same"
            + " series on the same range (default ${DEFAULT-VALUE}; none there: no comparison).")
    Path anchors = Path.of("../shared/anchors/results");

    @Mixin
    ForecastOptions forecast;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintWriter o = spec.commandLine().getOut();
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or folder");
        }
        ForecastSettings settings = forecast.settings();
        TrainingSettings trainingSettings = training.settings(settings.horizons(), ModelNames.perFile());
        o.println("backtest " + input + ", parallelism " + parallelism + ", " + settings);
        o.println(trainingSettings == null ? "no training: the baseline (model version 0) forecasts"
                : "training " + trainingSettings + ", then forecasting with every version preloaded");
        BacktestRun run = BacktestJob.run(input, settings, trainingSettings, parallelism);
        if (trainingSettings != null) {
            printModels(o, run);
        }
        long rows = ForecastCsv.write(out, run.forecasts());
        o.printf(Locale.ROOT, "files %d, events %d, keys %d, forecasts %d (%d rows written to %s)%n",
                run.files().size(), run.events(), run.forecasts().size(), run.forecastCount(), rows, out);
        o.println("dead letters " + run.deadLetters().size() + (run.deadLetters().isEmpty() ? "" : " " + run.deadLettersByReason()));
        printExamples(o, run);
        BacktestScores scores = BacktestJob.score(run, settings.horizons(), skip);
        String unscorable = BacktestScores.whyNothingScored(run, scores);
        if (unscorable != null) {
            // A table of NaN is no result: say why, and fail, so a script does not take it for one.
            o.flush();
            throw new IllegalArgumentException("nothing to score in " + input + ": " + unscorable);
        }
        o.println("missing values " + scores.missingValues() + " (forecast through with the value imputed; not scored)");
        o.println("accuracy (" + (trainingSettings == null ? "" : "trained models; ") + "model version 0 = "
                + (settings.seasonLength() == 0 ? "persistence" : "seasonal naive, season " + settings.seasonLength())
                + (skip > 0 ? ", first " + skip + " events per series skipped" : "")
                + "; over several series: mean of per-series figures)");
        o.println("horizon  pairs       NRMSE    WAPE     persistence NRMSE  WAPE");
        for (BacktestScores.Score s : scores.perHorizon()) {
            o.printf(Locale.ROOT, "%7d  %-10d  %6.4f   %6.4f   %6.4f             %6.4f%n", s.horizon(), s.pairs(), s.nrmse(),
                    s.wape(), s.persistenceNrmse(), s.persistenceWape());
        }
        if (scores.coverage() != null) {
            o.printf(Locale.ROOT, "p10..p90 covered %.1f%% of the actuals (%d forecasts with a band)%n",
                    100 * scores.coverage()[0], (long) scores.coverage()[1]);
        }
        printAnchors(o, run, scores);
        if (perFile) {
            printPerFile(o, run, scores);
        }
        if (perKey) {
            for (BacktestScores.Score s : scores.perKey()) {
                o.printf(Locale.ROOT, "%s  h=%d  pairs %d  NRMSE %.4f  WAPE %.4f  persistence NRMSE %.4f  WAPE %.4f%n",
                        s.key(), s.horizon(), s.pairs(), s.nrmse(), s.wape(), s.persistenceNrmse(), s.persistenceWape());
            }
        }
        o.printf(Locale.ROOT, "done in %.1f s (job %.1f s)%n", (System.nanoTime() - started) / 1e9, run.seconds());
        o.flush();
        return 0;
    }

    /** The classical forecasters beside flowcast, per protocol of {@link #anchors} this run scored the same way. */
    private void printAnchors(PrintWriter o, BacktestRun run, BacktestScores scores) throws java.io.IOException {
        Map<String, Long> events = new TreeMap<>();
        run.forecasts().forEach((key, list) -> events.put(key, (long) list.size()));
        List<String> notes = new ArrayList<>();
        List<ClassicalAnchors.Row> rows = ClassicalAnchors.compare(ClassicalAnchors.read(anchors), scores, events, skip, notes);
        if (rows.isEmpty() && notes.isEmpty()) {
            return;
        }
        o.println("against the classical forecasters of " + anchors + " (same series, same scored range; mean NRMSE over series):");
        java.util.Set<String> models = new java.util.LinkedHashSet<>();
        rows.forEach(r -> models.addAll(r.classical().keySet()));
        if (!rows.isEmpty()) {
            o.println("| protocol | h | flowcast | best classical | " + String.join(" | ",
                    models.stream().map(ClassicalAnchors::displayName).toList()) + " |");
            o.println("| --- | --- | --- | --- |" + " --- |".repeat(models.size()));
        }
        for (ClassicalAnchors.Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.4f | %s %.4f |", r.protocol(),
                    r.horizon(), r.flowcast(), ClassicalAnchors.displayName(r.best().getKey()), r.best().getValue()));
            models.forEach(m -> line.append(r.classical().containsKey(m)
                    ? String.format(Locale.ROOT, " %.4f |", r.classical().get(m)) : " – |"));
            o.println(line);
        }
        notes.forEach(n -> o.println("  " + n));
    }

    /** Per model (file): versions published, how many were the baseline alone, the newest's validation loss. */
    private static void printModels(PrintWriter o, BacktestRun run) throws Exception {
        Map<String, List<ServingModel>> byName = new TreeMap<>();
        for (ModelRecord r : run.models()) {
            byName.computeIfAbsent(r.name, k -> new ArrayList<>()).add(r.parse());
        }
        o.printf(Locale.ROOT, "trained %d model versions for %d of %d files in %.1f s%n", run.models().size(), byName.size(),
                run.files().size(), run.trainingSeconds());
        byName.forEach((name, versions) -> {
            ServingModel newest = versions.get(versions.size() - 1);
            long baselines = versions.stream().filter(m -> m.net() == null).count();
            o.printf(Locale.ROOT, "  %s: %d versions (%d the baseline alone), first trained up to %s, newest v%d: validation"
                            + " loss %.4g, baseline alone %.4g%n", name, versions.size(), baselines,
                    Instant.ofEpochMilli(versions.get(0).info().trainedUpTo()), newest.version(),
                    newest.info().validationLoss(), newest.info().baselineLoss());
        });
    }

    /** One row per file: its series' mean NRMSE and WAPE at the first and last horizon, and persistence's. */
    private static void printPerFile(PrintWriter o, BacktestRun run, BacktestScores scores) {
        int last = scores.perHorizon().size();
        o.printf(Locale.ROOT, "| file | series | events | versions | h=1 NRMSE (persistence) | h=%d NRMSE (persistence) | h=%d WAPE (persistence) |%n", last, last);
        o.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (SeriesFile file : run.files()) {
            List<BacktestScores.Score> first = new ArrayList<>();
            List<BacktestScores.Score> lastH = new ArrayList<>();
            for (BacktestScores.Score s : scores.perKey()) {
                if (s.key().equals(file.key) || s.key().startsWith(file.key + "/")) {
                    if (s.horizon() == 1) {
                        first.add(s);
                    }
                    if (s.horizon() == last) {
                        lastH.add(s);
                    }
                }
            }
            long events = 0;
            for (Map.Entry<String, List<Forecast>> e : run.forecasts().entrySet()) {
                if (e.getKey().equals(file.key) || e.getKey().startsWith(file.key + "/")) {
                    events += e.getValue().size();
                }
            }
            long versions = run.models().stream().filter(m -> m.name.equals(file.key)).count();
            o.printf(Locale.ROOT, "| %s | %d | %,d | %d | %s | %s | %s |%n", file.key, first.size(), events, versions,
                    pair(first, BacktestScores.Score::nrmse, BacktestScores.Score::persistenceNrmse),
                    pair(lastH, BacktestScores.Score::nrmse, BacktestScores.Score::persistenceNrmse),
                    pair(lastH, BacktestScores.Score::wape, BacktestScores.Score::persistenceWape));
        }
    }

    private static String pair(List<BacktestScores.Score> scores, java.util.function.ToDoubleFunction<BacktestScores.Score> model,
                               java.util.function.ToDoubleFunction<BacktestScores.Score> persistence) {
        double m = scores.stream().mapToDouble(model).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        double p = scores.stream().mapToDouble(persistence).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.3f (%.3f)", m, p);
    }

    /** The first few dead letters of each reason, so a late or unreadable row can be found in its file. */
    private static void printExamples(PrintWriter o, BacktestRun run) {
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
