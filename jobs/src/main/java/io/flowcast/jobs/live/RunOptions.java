package io.flowcast.jobs.live;

import io.flowcast.jobs.kafka.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * Everything {@link LiveRun} needs, as the {@code run} command parsed it.
 *
 * @param bootstrapServers an existing Kafka, or null to start one in-process
 * @param partitions partitions of topics this run creates
 * @param feed whether to replay the data set into {@code observations}
 * @param data the {@code --data} folder, or null to search for ../shared/data
 * @param dataset the wide CSV to replay, relative to the data folder
 * @param zone the zone the data set's naive timestamps are in
 * @param speed events per second fed (0: unthrottled)
 * @param limit stop once this many events are fed and their outputs seen (0: run until Ctrl-C)
 * @param checkpointDir the {@code --checkpoint-dir} folder or URI, or null for a temporary folder
 *     deleted on exit ({@link RunCheckpoints})
 * @param webUiPort the Flink web UI port (0: 8081 if free, else any free port)
 * @param webUiAddress the address the Flink web UI and REST API listen on
 * @param metricsPort the port of Flink's Prometheus reporter (0: 9249 if free, else any free port; negative: none)
 * @param flinkConf {@code -D key=value} settings, applied last
 * @param kafkaProperties the user's Kafka client properties, for every client of the run
 * @param kafkaTimeout how long to wait for Kafka's first answer (and each topic request) at start
 */
public record RunOptions(
        String bootstrapServers,
        TopicNames topics,
        int partitions,
        boolean feed,
        Path data,
        String dataset,
        ZoneId zone,
        double speed,
        long limit,
        int parallelism,
        Duration checkpointInterval,
        String checkpointDir,
        String groupId,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        ForecastJob.Settings jobSettings,
        Duration summaryInterval,
        int webUiPort,
        String webUiAddress,
        int metricsPort,
        Map<String, String> flinkConf,
        Map<String, String> kafkaProperties,
        Duration kafkaTimeout) {
}
