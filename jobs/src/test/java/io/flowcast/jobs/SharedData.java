package io.flowcast.jobs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real data files in ../shared/data (surefire passes the folder as flowcast.shared). */
public final class SharedData {

    private SharedData() {
    }

    public static Path dir() {
        String configured = System.getProperty("flowcast.shared");
        Path shared = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        Path data = shared.resolve("data").normalize();
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("data folder not found at " + data.toAbsolutePath()
                    + ": clone the project with ../shared beside it");
        }
        return data;
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
