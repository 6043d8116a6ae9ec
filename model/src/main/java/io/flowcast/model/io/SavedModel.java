package io.flowcast.model.io;

import io.flowcast.model.NetConfig;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.features.StreamingScaler;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a model file holds: the network, free-form string metadata, and optionally the scaler its
 * inputs were normalised with (a model is useless without the scaling it was trained on).
 *
 * <p>{@code net} and {@code scaler} are held, not copied (they can be large and are usually written
 * at once); copy them first if they keep changing while the record lives. Records compare mutable
 * members by identity, so compare contents with {@link #sameContent}.
 *
 * @param metadata copied into an unmodifiable map iterating in key order, so the same model always
 *                 writes the same bytes; keys non-empty, no nulls
 * @param scaler   may be null: no scaler saved
 */
public record SavedModel(RecurrentNet net, Map<String, String> metadata, StreamingScaler scaler) {

    /** Metadata key: the model's name, e.g. the series group it forecasts. */
    public static final String KEY_NAME = "name";
    /** Metadata key: the model's own version, as the publisher counts them (not the format version). */
    public static final String KEY_MODEL_VERSION = "model_version";
    /** Metadata key: ISO-8601 instant ({@code Instant.toString()}) of the newest event trained on. */
    public static final String KEY_TRAINED_UNTIL = "trained_until";

    public SavedModel {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(metadata, "metadata");
        metadata.forEach((k, v) -> {
            if (k == null || k.isEmpty() || v == null) {
                throw new IllegalArgumentException("metadata keys must be non-empty and values non-null, got "
                        + k + " = " + v);
            }
        });
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    public SavedModel(RecurrentNet net, Map<String, String> metadata) {
        this(net, metadata, null);
    }

    public SavedModel(RecurrentNet net) {
        this(net, Map.of(), null);
    }

    public NetConfig config() {
        return net.config();
    }

    public boolean hasScaler() {
        return scaler != null;
    }

    /** Same weights bit for bit, same metadata, and same scaler state (or both without). */
    public boolean sameContent(SavedModel other) {
        return net.sameWeights(other.net) && metadata.equals(other.metadata)
                && (scaler == null ? other.scaler == null : other.scaler != null && scaler.sameState(other.scaler));
    }

    @Override
    public String toString() {
        return "SavedModel{net=" + net + ", metadata=" + metadata + ", scaler=" + (scaler == null ? "none" : scaler)
                + "}";
    }
}
