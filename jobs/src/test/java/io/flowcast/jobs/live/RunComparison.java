package io.flowcast.jobs.live;

import io.flowcast.jobs.live.CommittedOutputs.Published;
import io.flowcast.jobs.models.ModelRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run's committed outputs against the failure-free run's, record for record.
 *
 * <p>Forecasts, per series and event time: lost (in the reference, not in the run), duplicated (more
 * than once in the run), extra (never in the reference), and per-series gaps (a missing event time
 * between two present ones). Values: a forecast depends on its series' history of model versions,
 * not only on the version of its own event (a series re-warms its recurrent state when a version
 * first serves it, from the window before that event), and when a new version reaches the
 * forecaster depends on wall-clock time (it comes back through the {@code models} topic, at a
 * checkpoint). So the bytes must be identical wherever the series was served by the same versions,
 * event for event, up to and including that event; forecasts under the same version after different
 * swap points are counted apart ({@code sameVersionOtherHistory}), not compared.
 *
 * <p>Models, by version: lost, duplicated, differing (payloads without the fit's wall time).
 * Dead letters: as a multiset of their JSON, lost and duplicated.
 */
record RunComparison(int compared, int lost, int duplicated, int extra, int gaps, int sameHistory,
                     int differingValues, int sameVersionOtherHistory, int otherVersion, int modelsLost,
                     int modelsDuplicated, int modelsDiffering, int deadLettersLost, int deadLettersDuplicated,
                     List<String> examples) {

    private static final int EXAMPLES = 10;

    static RunComparison of(CommittedOutputs reference, CommittedOutputs run) {
        List<String> examples = new ArrayList<>();
        int compared = 0;
        int lost = 0;
        int duplicated = 0;
        int extra = 0;
        int gaps = 0;
        int sameHistory = 0;
        int differing = 0;
        int sameVersionOtherHistory = 0;
        int otherVersion = 0;
        for (Map.Entry<String, TreeMap<Long, List<Published>>> series : reference.forecasts().entrySet()) {
            TreeMap<Long, List<Published>> mine = run.forecasts().getOrDefault(series.getKey(), new TreeMap<>());
            boolean historyAgrees = true;
            for (Map.Entry<Long, List<Published>> e : series.getValue().entrySet()) {
                compared++;
                Published expected = e.getValue().get(0);
                List<Published> got = mine.get(e.getKey());
                if (got == null) {
                    lost++;
                    historyAgrees = false;
                    note(examples, "lost: " + series.getKey() + "@" + e.getKey());
                    continue;
                }
                if (got.size() > 1) {
                    duplicated += got.size() - 1;
                    note(examples, "duplicated x" + got.size() + ": " + series.getKey() + "@" + e.getKey());
                }
                Published actual = got.get(0);
                historyAgrees &= actual.modelVersion() == expected.modelVersion();
                if (historyAgrees) {
                    sameHistory++;
                    if (!actual.json().equals(expected.json())) {
                        differing++;
                        note(examples, "differs: " + expected.json() + " vs " + actual.json());
                    }
                } else if (actual.modelVersion() == expected.modelVersion()) {
                    sameVersionOtherHistory++;
                } else {
                    otherVersion++;
                }
            }
            for (Long t : mine.keySet()) {
                if (!series.getValue().containsKey(t)) {
                    extra++;
                    note(examples, "extra: " + series.getKey() + "@" + t);
                }
            }
            gaps += gaps(mine, series.getValue());
        }
        for (String key : run.forecasts().keySet()) {
            if (!reference.forecasts().containsKey(key)) {
                extra += run.forecasts().get(key).size();
                note(examples, "extra series: " + key);
            }
        }

        Map<Long, List<ModelRecord>> models = byVersion(run.models());
        Map<Long, List<ModelRecord>> expectedModels = byVersion(reference.models());
        int modelsLost = 0;
        int modelsDuplicated = 0;
        int modelsDiffering = 0;
        for (Map.Entry<Long, List<ModelRecord>> e : expectedModels.entrySet()) {
            compared++;
            List<ModelRecord> got = models.get(e.getKey());
            if (got == null) {
                modelsLost++;
                note(examples, "model lost: v" + e.getKey());
                continue;
            }
            modelsDuplicated += got.size() - 1;
            for (ModelRecord r : got) {
                if (!r.equals(e.getValue().get(0))) {
                    modelsDiffering++;
                    note(examples, "model differs: " + r + " vs " + e.getValue().get(0));
                }
            }
        }
        for (Long v : models.keySet()) {
            if (!expectedModels.containsKey(v)) {
                modelsDiffering += models.get(v).size();
                note(examples, "model never published by the reference: v" + v);
            }
        }

        Map<String, Integer> letters = counts(run.deadLetters());
        int deadLettersLost = 0;
        int deadLettersDuplicated = 0;
        for (Map.Entry<String, Integer> e : counts(reference.deadLetters()).entrySet()) {
            compared += e.getValue();
            int n = letters.getOrDefault(e.getKey(), 0);
            deadLettersLost += Math.max(0, e.getValue() - n);
            deadLettersDuplicated += Math.max(0, n - e.getValue());
            if (n != e.getValue()) {
                note(examples, "dead letter x" + n + " (reference x" + e.getValue() + "): " + e.getKey());
            }
        }
        for (Map.Entry<String, Integer> e : letters.entrySet()) {
            if (!reference.deadLetters().contains(e.getKey())) {
                deadLettersDuplicated += e.getValue();
                note(examples, "dead letter never in the reference: " + e.getKey());
            }
        }
        return new RunComparison(compared, lost, duplicated, extra, gaps, sameHistory, differing,
                sameVersionOtherHistory, otherVersion, modelsLost, modelsDuplicated, modelsDiffering, deadLettersLost,
                deadLettersDuplicated, examples);
    }

    /** Event times of the reference missing in the run between the run's first and last one. */
    private static int gaps(TreeMap<Long, List<Published>> run, TreeMap<Long, List<Published>> reference) {
        if (run.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (Long t : reference.subMap(run.firstKey(), true, run.lastKey(), true).keySet()) {
            n += run.containsKey(t) ? 0 : 1;
        }
        return n;
    }

    private static Map<Long, List<ModelRecord>> byVersion(List<ModelRecord> models) {
        Map<Long, List<ModelRecord>> out = new TreeMap<>();
        for (ModelRecord r : models) {
            out.computeIfAbsent(r.version, v -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static Map<String, Integer> counts(List<String> items) {
        Map<String, Integer> out = new HashMap<>();
        items.forEach(s -> out.merge(s, 1, Integer::sum));
        return out;
    }

    private static void note(List<String> examples, String what) {
        if (examples.size() < EXAMPLES) {
            examples.add(what);
        }
    }

    /** Whether nothing was lost, duplicated, added or changed. */
    boolean exact() {
        return lost == 0 && duplicated == 0 && extra == 0 && gaps == 0 && differingValues == 0 && modelsLost == 0
                && modelsDuplicated == 0 && modelsDiffering == 0 && deadLettersLost == 0 && deadLettersDuplicated == 0;
    }

    String figures() {
        return String.format(Locale.ROOT, "records compared %,d | forecasts lost %d, duplicated %d, extra %d, gaps %d"
                        + " | same version history %,d, of them differing values %d (same version after another swap"
                        + " point %,d, other version %,d) | models lost %d, duplicated %d, differing %d | dead letters"
                        + " lost %d, duplicated %d%s", compared, lost, duplicated, extra, gaps, sameHistory,
                differingValues, sameVersionOtherHistory, otherVersion, modelsLost, modelsDuplicated, modelsDiffering,
                deadLettersLost, deadLettersDuplicated, examples.isEmpty() ? "" : " | e.g. " + examples);
    }

    @Override
    public String toString() {
        return figures();
    }

    static String describe(List<ModelRecord> models) {
        return Arrays.toString(models.stream().map(m -> "v" + m.version + "@" + m.trainedUpTo).toArray());
    }
}
