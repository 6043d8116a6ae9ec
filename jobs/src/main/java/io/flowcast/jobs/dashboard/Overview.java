package io.flowcast.jobs.dashboard;

import java.util.List;
import java.util.Map;

/**
 * All series held, in figures: how many (and how many were evicted for the bound), records read and
 * refused, the serving model versions (version to number of series), and the two picker lists.
 */
public record Overview(int series, int maxSeries, long evicted, int pointsPerSeries, long forecastsRead,
        long errorsRead, long refused, long anomalies, Map<Long, Integer> servingVersions, double meanMae,
        double meanPersistenceMae, List<SeriesSummary> worstByError, List<SeriesSummary> mostAnomalies,
        long change) {
}
