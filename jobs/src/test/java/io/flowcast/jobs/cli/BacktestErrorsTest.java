package io.flowcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest} on input it cannot use: exit code 2 and one line saying why, never a stack trace
 * and never exit 0 with a table of NaN.
 */
class BacktestErrorsTest {

    @TempDir
    Path temp;

    private record Result(int exitCode, String out, String err) {
    }

    private Result backtest(Path input) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute("backtest", "--input", input.toString(), "--out", temp.resolve("out.csv").toString(),
                        "--parallelism", "1");
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aMissingInputIsOneLine() {
        Result r = backtest(temp.resolve("shared/data"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("flowcast backtest: --input " + temp.resolve("shared/data")
                + ": no such file or folder");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aFolderWithoutCsvFilesIsOneLine() throws Exception {
        Files.createDirectories(temp.resolve("empty"));
        Result r = backtest(temp.resolve("empty"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("flowcast backtest: no .csv files under " + temp.resolve("empty"));
    }

    @Test
    @Timeout(60)
    void binaryGarbageIsOneLineBeforeAnyJobRuns() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = garbage[i] == ',' ? 0 : garbage[i]; // no column separators at all
        }
        Path file = Files.write(temp.resolve("garbage.csv"), garbage);
        Result r = backtest(file);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("flowcast backtest: garbage: the first line (")
                .endsWith(") has no value column; expected a header such as timestamp,value or timestamp,series1,series2,...");
    }

    @Test
    @Timeout(60)
    void rowsThatAreAllUnreadableFailWithTheReasonsInsteadOfNaNScores() throws Exception {
        Path file = Files.writeString(temp.resolve("text.csv"), "name,comment\nalice,hello\nbob,world\ncarol,x\n");
        Result r = backtest(file);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly("flowcast backtest: nothing to score in " + file
                + ": no row was read as an observation (3 rows rejected: {bad-time=3})");
        assertThat(r.out()).doesNotContain("NaN");
    }

    @Test
    @Timeout(60)
    void aSeriesTooShortForAnyPairFails() throws Exception {
        Path file = Files.writeString(temp.resolve("short.csv"), "timestamp,value\n2024-01-01 00:00:00,5\n");
        Result r = backtest(file);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .startsWith("flowcast backtest: nothing to score in " + file + ": 1 forecasts, but none has a later");
    }
}
