package io.flowcast.jobs.cli;

import java.nio.file.Path;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/** What to replay into {@code observations} and how fast: shared by {@code run} and {@code feed}. */
final class DataSetOptions {

    @Option(names = "--speed", defaultValue = "500", paramLabel = "EVENTS_PER_S",
            description = "Feeding rate, events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The shared data folder (default: ../shared/data from the working directory or beside the jar's clone).")
    Path data;

    @Option(names = "--dataset", defaultValue = "beijing_air/beijing_pm25_12stations_hourly.csv", paramLabel = "CSV",
            description = "Wide CSV (timestamp,series1,series2,...) under the data folder (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--zone", defaultValue = "Asia/Shanghai", paramLabel = "ZONE",
            description = "Zone of the data set's naive timestamps. Beijing time is UTC+08:00 with no DST since 1991 "
                    + "(default: ${DEFAULT-VALUE}).")
    ZoneId zone;
}
