package io.flowcast.jobs.backtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The CSV files behind {@code --input} and their keys. A file is one source named after itself
 * ({@code nyc_taxi.csv} -> {@code nyc_taxi}). A folder is searched recursively for {@code *.csv}, in
 * path order, and each file is named by its path under the folder without the extension
 * ({@code nab/realKnownCause/nyc_taxi}), so files of the same name in different folders stay apart.
 */
public final class SeriesFiles {

    private SeriesFiles() {
    }

    public static List<SeriesFile> list(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(new SeriesFile(input.toString(), stem(input.getFileName().toString())));
        }
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("no such file or folder: " + input);
        }
        try (Stream<Path> walk = Files.walk(input)) {
            List<SeriesFile> files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                    .map(p -> new SeriesFile(p.toString(), stem(slashed(input.relativize(p)))))
                    .sorted((a, b) -> a.key.compareTo(b.key))
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no .csv files under " + input);
            }
            return files;
        }
    }

    private static String slashed(Path relative) {
        StringBuilder s = new StringBuilder();
        for (Path part : relative) {
            if (!s.isEmpty()) {
                s.append('/');
            }
            s.append(part);
        }
        return s.toString();
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
