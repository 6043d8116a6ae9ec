package io.flowcast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Exactly once when the TaskManager process dies, on the real standalone cluster: runs
 * {@code deploy/e2e-kill.sh} (the cluster job twice on a fresh broker and cluster, once undisturbed and
 * once with the TaskManager JVM killed with SIGKILL mid-stream and a new one started, then what both
 * committed compared record for record) and checks its verdict. It needs the packaged jars, which
 * {@code mvn verify} builds before this phase, and curl and jq, installed from Debian's packages when
 * missing.
 */
class TaskManagerKillITCase {

    private static final long TIMEOUT_MINUTES = 15;

    @Test
    void aTaskManagerKilledMidStreamLosesDuplicatesAndChangesNothing() throws Exception {
        installWhenMissing("curl", "jq");
        Path deploy = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Process p = new ProcessBuilder("bash", deploy.resolve("e2e-kill.sh").toString())
                .directory(deploy.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        boolean ended = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!ended) {
            p.destroy(); // the script's trap stops what it started
            p.waitFor(60, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        String output;
        synchronized (lines) {
            output = String.join("\n", lines);
        }
        assertThat(ended).as("e2e-kill.sh ended within %d minutes:\n%s", TIMEOUT_MINUTES, output).isTrue();
        assertThat(p.exitValue()).as("e2e-kill.sh exit status:\n%s", output).isZero();
        assertThat(output).contains("checkpoints restored").containsPattern("compared \\d+ records: lost 0, duplicated 0, "
                + "other \\(extra or differing\\) 0").contains("PASSED");
    }

    /** Installs the Debian packages of the commands that are missing (apt-get, as root). */
    private static void installWhenMissing(String... commands) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String c : commands) {
            if (run("bash", "-c", "command -v " + c) != 0) {
                missing.add(c);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        install.addAll(missing);
        if (run(install.toArray(String[]::new)) != 0) {
            assertThat(run("apt-get", "update", "-q")).as("apt-get update").isZero();
            assertThat(run(install.toArray(String[]::new))).as("apt-get install %s", missing).isZero();
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor(10, TimeUnit.MINUTES) ? p.exitValue() : -1;
    }
}
