package io.flowcast.model.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case in shared/parity: forward, final states, loss and every gradient within tolerance. */
class PyTorchParityTest {

    static Stream<Path> cases() throws IOException {
        Path dir = SharedFiles.parityDir();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Path file) throws IOException {
        ParityCheck.Result result = ParityCheck.run(ParityCase.load(file));
        assertTrue(result.passed(), () -> file.getFileName() + " mismatches:\n" + String.join("\n", result.mismatches()));
        assertTrue(result.valuesChecked() > 0);
    }
}
