package io.flowcast.jobs.feed;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the shared data folder ({@code ../shared/data} beside the clone). An explicit {@code --data}
 * must exist; the default is looked up relative to the working directory first and then beside each
 * folder above the running jar, so {@code java -jar jobs/target/flowcast.jar run} works from the
 * clone's root as well as from anywhere else.
 */
public final class DataFolder {

    private DataFolder() {
    }

    /** @param explicit the {@code --data} flag, or null for the default search */
    public static Path locate(Path explicit) {
        if (explicit != null) {
            if (Files.isDirectory(explicit)) {
                return explicit.toAbsolutePath().normalize();
            }
            throw new IllegalArgumentException("--data " + explicit + ": no such folder (resolved to "
                    + explicit.toAbsolutePath().normalize() + ")");
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates()) {
            tried.add(candidate);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("data folder not found; looked at " + tried
                + ". Put the shared folder beside the clone (../shared/data) or pass --data DIR.");
    }

    /**
     * A data set file under the data folder.
     *
     * @param explicit the {@code --data} flag, or null for the default search
     * @param dataset the file, relative to the data folder
     */
    public static Path dataset(Path explicit, String dataset) {
        Path file = locate(explicit).resolve(dataset);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("data set not found: " + file);
        }
        return file;
    }

    private static Set<Path> candidates() {
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(Path.of("..", "shared", "data").toAbsolutePath().normalize());
        Path jar = runningJar();
        for (Path dir = jar == null ? null : jar.getParent(); dir != null; dir = dir.getParent()) {
            if (dir.getParent() != null) {
                candidates.add(dir.getParent().resolve("shared").resolve("data"));
            }
        }
        return candidates;
    }

    private static Path runningJar() {
        try {
            var source = DataFolder.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
