package io.flowcast.jobs.models;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which model serves a series. A live job names one model for all its series ({@link #fixed});
 * a backtest over a folder trains one model per file ({@link #perFile}): a series key is the file's
 * key ({@code nab/realTraffic/speed_6005}) or the file's key, a slash and a column
 * ({@code beijing_air/beijing_pm25_12stations_hourly/Dongsi}); the longest file key that is the
 * series key or its prefix before a slash names the model. Without file keys, the part before the
 * first slash does. The trainer and the forecaster use the same instance, so they always agree.
 *
 * @param fixedName the one model's name; null: per file
 * @param fileKeys  with per file: the file keys, longest first
 */
public record ModelNames(String fixedName, List<String> fileKeys) implements Serializable {

    public ModelNames {
        fileKeys = fileKeys == null ? List.of() : List.copyOf(fileKeys);
    }

    public static ModelNames fixed(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model name is required");
        }
        return new ModelNames(name, List.of());
    }

    /** One model per file, named by the file's key. */
    public static ModelNames perFile(Collection<String> fileKeys) {
        List<String> keys = new ArrayList<>(fileKeys);
        keys.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        return new ModelNames(null, keys);
    }

    /** One model per top-level name: the part of a series key before its first slash. */
    public static ModelNames perFile() {
        return new ModelNames(null, List.of());
    }

    public String of(String seriesKey) {
        if (fixedName != null) {
            return fixedName;
        }
        for (String file : fileKeys) {
            if (seriesKey.startsWith(file)
                    && (seriesKey.length() == file.length() || seriesKey.charAt(file.length()) == '/')) {
                return file;
            }
        }
        int slash = seriesKey.indexOf('/');
        return slash < 0 ? seriesKey : seriesKey.substring(0, slash);
    }

    /**
     * Whether {@link #of} names {@code name} for some series key: with a fixed name, that name; per
     * file, any name without a slash (a file key, or the part of a series key before its first
     * slash). The forecaster holds no model that could serve none of its series.
     */
    public boolean serves(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return fixedName != null ? fixedName.equals(name) : fileKeys.contains(name) || name.indexOf('/') < 0;
    }

    @Override
    public String toString() {
        return fixedName != null ? "model " + fixedName : "a model per file" + (fileKeys.isEmpty() ? "" : " (" + fileKeys.size() + " files)");
    }
}
