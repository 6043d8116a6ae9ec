package io.flowcast.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds ../shared beside the clone (set by surefire as flowcast.shared). */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path shared() {
        String configured = System.getProperty("flowcast.shared");
        Path p = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("shared folder not found at " + p.toAbsolutePath()
                    + ": clone the project with ../shared beside it");
        }
        return p.normalize();
    }

    public static Path parityDir() {
        return shared().resolve("parity");
    }

    public static Path dataDir() {
        return shared().resolve("data");
    }
}
