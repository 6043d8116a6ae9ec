package io.flowcast.jobs.cli;

import io.flowcast.model.parity.ParityCase;
import io.flowcast.model.parity.ParityCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks the model library against PyTorch reference cases; exits 1 if any case fails. */
@Command(name = "parity", description = "Check the model against PyTorch reference cases (JSON).")
final class ParityCommand implements Callable<Integer> {

    @Option(names = "--cases", required = true, description = "A folder of case JSON files, or one file.")
    Path cases;

    @Override
    public Integer call() throws Exception {
        List<Path> files;
        if (Files.isDirectory(cases)) {
            try (Stream<Path> s = Files.list(cases)) {
                files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            }
        } else if (Files.isRegularFile(cases)) {
            files = List.of(cases);
        } else {
            System.err.println("no such file or folder: " + cases);
            return 2;
        }
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            try {
                ParityCheck.Result r = ParityCheck.run(ParityCase.load(file));
                if (r.passed()) {
                    passed++;
                    System.out.printf("PASS %s  %d values, max |diff| forward %.2e, gradient %.2e%n",
                            r.caseName(), r.valuesChecked(), r.worstForwardError(), r.worstGradientError());
                } else {
                    failed++;
                    System.out.printf("FAIL %s  %d values; first mismatches:%n", r.caseName(), r.valuesChecked());
                    r.mismatches().forEach(m -> System.out.println("     " + m));
                }
            } catch (Exception e) {
                failed++;
                System.out.println("FAIL " + file.getFileName() + "  " + e.getMessage());
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }
}
