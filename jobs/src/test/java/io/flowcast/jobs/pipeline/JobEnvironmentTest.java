package io.flowcast.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.backtest.BacktestRecord;
import io.flowcast.jobs.backtest.SeriesFile;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.records.Observation;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Every record our jobs move is a Flink POJO, and the environment refuses anything that would need Kryo. */
class JobEnvironmentTest {

    private final StreamExecutionEnvironment env = JobEnvironment.create(1);
    private final SerializerConfig serializers = env.getConfig().getSerializerConfig();

    @Test
    void genericTypesAreOffAndObjectReuseOn() {
        assertThat(serializers.hasGenericTypesDisabled()).isTrue();
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThatThrownBy(() -> TypeInformation.of(NeedsKryo.class).createSerializer(serializers))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Generic types have been disabled");
    }

    @Test
    void recordsAreFlinkPojos() {
        for (Class<?> type : List.of(Observation.class, Forecast.class, DeadLetter.class, BacktestRecord.class,
                SeriesFile.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            assertThat(info.createSerializer(serializers)).isNotNull();
        }
    }

    /** No public no-arg constructor, so Flink can only treat it as a generic (Kryo) type. */
    static final class NeedsKryo {
        final int value;

        NeedsKryo(int value) {
            this.value = value;
        }
    }
}
