package io.flowcast.jobs.kafka;

import java.io.Serializable;
import java.util.List;

/** The names of the topics flowcast reads and writes; each can be renamed from the command line. */
public record TopicNames(String observations, String forecasts, String deadLetters, String models,
                         String forecastErrors)
        implements Serializable {

    public static TopicNames defaults() {
        return new TopicNames("observations", "forecasts", "dead-letters", "models", "forecast-errors");
    }

    /** The same names with a suffix, so that tests sharing one broker do not see each other's records. */
    public TopicNames withSuffix(String suffix) {
        return new TopicNames(observations + suffix, forecasts + suffix, deadLetters + suffix, models + suffix,
                forecastErrors + suffix);
    }

    public List<String> all() {
        return List.of(observations, forecasts, deadLetters, models, forecastErrors);
    }
}
