package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code backtest --anchors}: the classical forecasters' figures beside the backtest's own. */
class BacktestAnchorsTest {

    @TempDir
    Path temp;

    private String backtest(Path input, int skip) {
        StringWriter out = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true))
                .execute("backtest", "--input", input.toString(), "--out", temp.resolve("out.csv").toString(),
                        "--parallelism", "1", "--no-train", "--horizon", "1", "--skip", String.valueOf(skip),
                        "--anchors", temp.resolve("results").toString());
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    @Timeout(120)
    void aProtocolOfTheSameSeriesAndRangeIsPrintedAndAnotherRangeIsNamed() throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 60; i++) {
            csv.append(String.format(Locale.ROOT, "2024-01-01 %02d:%02d:00,%d%n", i / 60, i % 60, i % 3));
        }
        Path file = Files.writeString(temp.resolve("toy.csv"), csv);
        Files.createDirectories(temp.resolve("results"));
        Files.writeString(temp.resolve("results/toy.json"), """
                {"protocol": "toy", "H": 1, "score_h": [1], "series": {"toy": {"n": 60, "skip": 5}},
                 "mean": {"persistence": {"1": {"nrmse": 1.5}}, "ets": {"1": {"nrmse": 0.25}}}}
                """);

        String out = backtest(file, 5);
        assertThat(out).contains("| protocol | h | flowcast | best classical | persistence | AutoETS |");
        // version 0 is persistence: the backtest's figure is the persistence one it prints above
        String persistence = out.lines().filter(l -> l.matches("\\s+1\\s+\\d+\\s+.*")).findFirst().orElseThrow()
                .trim().split("\\s+")[2];
        assertThat(out).contains("| toy | 1 | " + persistence + " | AutoETS 0.2500 | 1.5000 | 0.2500 |");

        assertThat(backtest(file, 0)).doesNotContain("| toy |")
                .contains("toy: scored there from event 5 of each series, here from 0: run with --skip 5 to compare");
    }
}
