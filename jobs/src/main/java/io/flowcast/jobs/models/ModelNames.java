package io.flowcast.jobs.models;

import java.io.Serializable;

/**
 * Which model serves a series. A live job names one model for all its series ({@link #fixed});
 * a backtest over a folder trains one model per file: a series key {@code file/column} or
 * {@code file} belongs to the model named {@code file} ({@link #perFile}). The trainer and the
 * forecaster use the same instance, so they always agree.
 */
public record ModelNames(String fixedName) implements Serializable {

    public static ModelNames fixed(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model name is required");
        }
        return new ModelNames(name);
    }

    public static ModelNames perFile() {
        return new ModelNames(null);
    }

    public String of(String seriesKey) {
        if (fixedName != null) {
            return fixedName;
        }
        int slash = seriesKey.indexOf('/');
        return slash < 0 ? seriesKey : seriesKey.substring(0, slash);
    }
}
