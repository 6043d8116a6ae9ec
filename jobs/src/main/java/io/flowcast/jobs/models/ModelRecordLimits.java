package io.flowcast.jobs.models;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How large a record on the {@code models} topic may be: one limit, {@link #MAX_RECORD_BYTES}, that
 * the topic ({@code max.message.bytes}), the trainer's producer ({@code max.request.size}) and the
 * forecaster's consumer ({@code max.partition.fetch.bytes}, {@code fetch.max.bytes}) all use, and the
 * check the trainer makes before it emits a record. Kafka's defaults stop at about 1 MiB, below the
 * nets the recipe allows; a record above the producer's limit would fail the exactly-once sink, and the
 * job with it, on every restart, so the trainer refuses it with a message instead.
 */
public final class ModelRecordLimits {

    /**
     * 16 MiB. A model record holds one net and arrays of a few values per horizon, nothing per series.
     * The net's parameters are float32, in layer k of G gates (LSTM 4, GRU 3, RNN 1) with H hidden units
     * {@code G*H*(in_k + H)} weights and {@code 2*G*H} biases ({@code in_0} = the inputs, 1 + 4
     * calendar + horizon + 1 seasonal, about 12; {@code in_k} = H above), and a head of
     * {@code outputs*(H + 1)}, outputs = horizon, or 3 x horizon with quantiles. The largest shape,
     * LSTM with 3 layers, is then about {@code 4H*(12 + H) + 2 * 4H*2H = 20H^2 + 48H} floats, 80 bytes
     * per H^2: at H = 384 that is 3.0 million parameters, 12 MB (11.4 MiB), and 16 MiB leaves over 4 MiB
     * for longer horizons (they widen the first layer's inputs and the head) and the small arrays; at
     * H = 448 (15.4 MiB) it still fits; at H = 512 (20 MiB) it does not. {@code RecipeOverrides} bounds neither
     * {@code hidden} nor {@code layers}, so the trainer's {@link #check} is what enforces this limit.
     *
     * <p>Not higher without need: every record up to this size must fit in the producer's
     * {@code buffer.memory} (set to twice the limit, Kafka's 32 MiB default here) and be read in one
     * fetch by every forecaster subtask, and the broker holds whole records in memory while it serves,
     * replicates and compacts them.
     *
     * <p>To change it: change this constant (everything above follows), and raise
     * {@code max.message.bytes} on {@code models} topics that already exist, since topic setup
     * never alters an existing topic: {@code kafka-configs.sh --alter --entity-type topics
     * --entity-name models --add-config max.message.bytes=N}.
     */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /**
     * Room for what Kafka adds around key and value: the record batch header (61 bytes), the record's
     * own varint fields and the headers the serializer writes (three short names, decimal numbers).
     * Generous, so that a record {@link #check} accepts is never refused by the producer.
     */
    static final int FRAMING_BYTES = 1024;

    private ModelRecordLimits() {
    }

    /** At most what the record takes on the topic: key (the name, UTF-8), payload and framing. */
    public static long recordBytes(ModelRecord r) {
        long key = r.name == null ? 0 : r.name.getBytes(StandardCharsets.UTF_8).length;
        long value = r.payload == null ? 0 : r.payload.length;
        return key + value + FRAMING_BYTES;
    }

    /**
     * Refuses a record the {@code models} topic would not take. The trainer calls this before it emits,
     * so that a net too large for the topic fails the fit with this message rather than the sink.
     *
     * @throws IllegalArgumentException naming the record, its size, the limit and how to change it
     */
    public static void check(ModelRecord r) {
        long bytes = recordBytes(r);
        if (bytes > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "model record %s v%d takes %,d bytes (payload %,d), above the models topic's limit of %,d bytes "
                            + "(ModelRecordLimits.MAX_RECORD_BYTES): train a smaller net (--train hidden=N or layers=N), "
                            + "or raise ModelRecordLimits.MAX_RECORD_BYTES and, on an existing models topic, its "
                            + "max.message.bytes (kafka-configs.sh --alter --entity-type topics --entity-name models "
                            + "--add-config max.message.bytes=N)",
                    r.name, r.version, bytes, r.payload == null ? 0 : r.payload.length, MAX_RECORD_BYTES));
        }
    }
}
