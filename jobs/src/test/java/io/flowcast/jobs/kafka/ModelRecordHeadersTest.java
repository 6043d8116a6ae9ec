package io.flowcast.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.models.ModelRecord;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.CalendarFeatures;
import io.flowcast.model.io.ModelFormatException;
import io.flowcast.model.online.BlendedBaseline;
import io.flowcast.model.online.ServingModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * A {@code models} record says its name (key), version and training time (headers) without its
 * payload being decoded; a record without those headers is still read, from its payload, and
 * nothing on the topic makes the deserializer throw.
 */
class ModelRecordHeadersTest {

    private static final String TOPIC = "models";
    private static final long TRAINED_UP_TO = 1_362_067_200_000L;

    private final ModelRecord model = ModelRecord.of(model("flowcast", 7, TRAINED_UP_TO));

    @Test
    void theSerializerPutsTheNameInTheKeyAndVersionAndTrainingTimeInHeaders() {
        ProducerRecord<byte[], byte[]> r = new ModelRecordSerializer(TOPIC).serialize(model, null, null);
        assertThat(r.topic()).isEqualTo(TOPIC);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("flowcast");
        assertThat(header(r.headers(), ModelRecordHeaders.VERSION)).isEqualTo("7");
        assertThat(header(r.headers(), ModelRecordHeaders.TRAINED_UP_TO)).isEqualTo(Long.toString(TRAINED_UP_TO));
        assertThat(r.value()).isSameAs(model.payload);
    }

    @Test
    void theDeserializerGivesTheSameRecordWithAndWithoutHeaders() throws ModelFormatException {
        ProducerRecord<byte[], byte[]> produced = new ModelRecordSerializer(TOPIC).serialize(model, null, null);
        ModelRecord withHeaders = deserialize(consumed(produced.key(), produced.value(), produced.headers()));
        ModelRecord withoutHeaders = deserialize(consumed(produced.key(), produced.value(), new RecordHeaders()));
        assertThat(withHeaders).isEqualTo(model);
        assertThat(withoutHeaders).isEqualTo(model);
        assertThat(withHeaders.parse().version()).isEqualTo(7);
    }

    @Test
    void withHeadersThePayloadIsNotDecodedHereAndTheCheckDownstreamStillRefusesABadOne() {
        byte[] garbage = "not a model".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> produced = new ModelRecordSerializer(TOPIC).serialize(model, null, null);
        ModelRecord r = deserialize(consumed(produced.key(), garbage, produced.headers()));
        assertThat(r).isEqualTo(new ModelRecord("flowcast", 7, TRAINED_UP_TO, garbage));
        assertThatThrownBy(r::parse).isInstanceOf(ModelFormatException.class);

        // Headers that disagree with the payload are refused by the same check.
        RecordHeaders lying = new RecordHeaders();
        ModelRecordHeaders.write(new ModelRecord("flowcast", 8, TRAINED_UP_TO, null), lying);
        ModelRecord disagreeing = deserialize(consumed(produced.key(), model.payload, lying));
        assertThat(disagreeing.version).isEqualTo(8);
        assertThatThrownBy(disagreeing::parse).isInstanceOf(ModelFormatException.class).hasMessageContaining("v8");
    }

    @Test
    void garbageWithoutUsableHeadersNeverThrowsAndIsRefusedDownstream() {
        byte[] key = "flowcast".getBytes(StandardCharsets.UTF_8);
        RecordHeaders notNumbers = new RecordHeaders();
        notNumbers.add(ModelRecordHeaders.VERSION, "seven".getBytes(StandardCharsets.US_ASCII));
        notNumbers.add(ModelRecordHeaders.TRAINED_UP_TO, null);
        RecordHeaders onlyVersion = new RecordHeaders();
        onlyVersion.add(ModelRecordHeaders.VERSION, "7".getBytes(StandardCharsets.US_ASCII));
        byte[] truncated = Arrays.copyOf(model.payload, model.payload.length / 2);
        List<ConsumerRecord<byte[], byte[]>> bad = List.of(
                consumed(key, "not a model".getBytes(StandardCharsets.UTF_8), new RecordHeaders()),
                consumed(key, truncated, new RecordHeaders()),
                consumed(key, null, new RecordHeaders()), // a tombstone
                consumed(null, new byte[] {1, 2, 3}, new RecordHeaders()),
                consumed(key, new byte[0], notNumbers),
                consumed(key, new byte[0], onlyVersion));
        for (ConsumerRecord<byte[], byte[]> record : bad) {
            ModelRecord r = deserialize(record);
            assertThat(r.version).isEqualTo(-1);
            assertThat(r.trainedUpTo).isEqualTo(Long.MIN_VALUE);
            assertThat(r.payload).isSameAs(record.value());
            assertThatThrownBy(r::parse).isInstanceOf(ModelFormatException.class);
        }
    }

    private static ModelRecord deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<ModelRecord> out = new ArrayList<>();
        new ModelRecordDeserializer().deserialize(record, new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> consumed(byte[] key, byte[] value, Headers headers) {
        return new ConsumerRecord<>(TOPIC, 0, 0L, 0L, TimestampType.CREATE_TIME, key == null ? -1 : key.length,
                value == null ? -1 : value.length, key, value, headers, Optional.empty());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.US_ASCII);
    }

    /** A small valid model: a seeded LSTM residual net over horizon 3. */
    private static ServingModel model(String name, long version, long trainedUpTo) {
        int horizon = 3;
        ServingModel.Shape shape = new ServingModel.Shape(horizon, 6, 4, 1, false);
        NetConfig config = new NetConfig(CellType.LSTM, 1 + CalendarFeatures.SIZE + horizon + 1, 4, 1, horizon);
        return new ServingModel(name, version, shape, RecurrentNet.initialized(config, version),
                new float[BlendedBaseline.size(horizon)], new float[0],
                new ServingModel.Info(trainedUpTo, 100, 0.5, 0.6, 1));
    }
}
