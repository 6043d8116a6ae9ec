package io.flowcast.jobs.backtest;

import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Observation;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The backtest's bounded source body: reads each file it is given, whole and in order, so every
 * series arrives in file order whatever the parallelism. Unreadable rows go to {@link #UNREADABLE}.
 */
public final class ReadSeriesFiles extends ProcessFunction<SeriesFile, Observation> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> UNREADABLE =
            new OutputTag<>("unreadable-rows", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(SeriesFile file, Context ctx, Collector<Observation> out) throws Exception {
        SeriesCsvReader.read(file, new SeriesCsvReader.Output() {
            @Override
            public void observation(Observation observation) {
                out.collect(observation);
            }

            @Override
            public void unreadable(DeadLetter deadLetter) {
                ctx.output(UNREADABLE, deadLetter);
            }
        });
    }
}
