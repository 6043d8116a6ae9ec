package io.flowcast.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Builds a {@link RecurrentNet} from PyTorch weights exported as JSON, in the parity cases' form:
 *
 * <pre>
 * {"cell": "lstm" | "gru" | "rnn_tanh" | "rnn_relu",
 *  "input_size": I, "hidden_size": H, "num_layers": L, "output_size": O,
 *  "state_dict": {"weight_ih_l0": [[...]], "weight_hh_l0": [[...]], "bias_ih_l0": [...], "bias_hh_l0": [...], ...},
 *  "head": {"weight": [[...]], "bias": [...]}}
 * </pre>
 *
 * <p>{@code state_dict} is {@code torch.nn.LSTM/GRU/RNN(...).state_dict()} with each tensor
 * {@code .tolist()}-ed, {@code head} the {@code torch.nn.Linear(H, O)} after it. Other fields are
 * ignored. Every tensor must be present with exactly PyTorch's shape, and nothing else may be in
 * {@code state_dict} or {@code head}: a bidirectional or projected LSTM would otherwise load as a
 * different network without complaint. Values are rounded to float32 and must stay finite.
 */
public final class TorchStateDict {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEAD_PREFIX = "head.";

    private TorchStateDict() {
    }

    /** Reads a JSON file; problems are IOExceptions naming the file. */
    public static RecurrentNet read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a loadable state_dict: " + e.getMessage(), e);
        }
    }

    /** The network the JSON object describes, with its weights. */
    public static RecurrentNet fromJson(JsonNode root) {
        NetConfig config = config(root);
        JsonNode stateDict = object(root, "state_dict");
        JsonNode head = object(root, "head");
        ParameterLayout layout = new ParameterLayout(config);
        rejectUnexpected(stateDict, "state_dict", "", layout);
        rejectUnexpected(head, "head", HEAD_PREFIX, layout);

        float[] params = new float[layout.size()];
        for (ParameterLayout.Tensor t : layout.tensors()) {
            boolean inHead = t.name().startsWith(HEAD_PREFIX);
            String key = inHead ? t.name().substring(HEAD_PREFIX.length()) : t.name();
            String where = inHead ? "head" : "state_dict";
            JsonNode node = (inHead ? head : stateDict).get(key);
            if (node == null) {
                throw new IllegalArgumentException(where + " lacks tensor '" + key + "', needed by " + config);
            }
            int[] expected = TensorShapes.shape(t);
            double[] values;
            int[] shape;
            try {
                shape = JsonTensors.shape(node);
                values = JsonTensors.flatten(node);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " tensor '" + key + "': " + e.getMessage(), e);
            }
            if (!Arrays.equals(shape, expected)) {
                throw new IllegalArgumentException(where + " tensor '" + key + "' has shape "
                        + JsonTensors.format(shape) + ", " + config + " needs " + JsonTensors.format(expected));
            }
            for (int i = 0; i < values.length; i++) {
                float v = (float) values[i];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(where + " tensor '" + key + "' element " + i + " is "
                            + values[i] + ", not a finite float32");
                }
                params[t.offset() + i] = v;
            }
        }
        return RecurrentNet.withParameters(config, params);
    }

    /** The network shape from {@code cell}, {@code input_size}, {@code hidden_size}, {@code num_layers}, {@code output_size}. */
    public static NetConfig config(JsonNode root) {
        JsonNode cell = root.get("cell");
        if (cell == null || !cell.isTextual()) {
            throw new IllegalArgumentException("missing field 'cell' (lstm, gru, rnn_tanh or rnn_relu)");
        }
        return new NetConfig(CellType.fromId(cell.asText()), size(root, "input_size"), size(root, "hidden_size"),
                size(root, "num_layers"), size(root, "output_size"));
    }

    private static int size(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static JsonNode object(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("missing object '" + field + "'"
                    + (field.equals("head") ? " (the Linear head's weight and bias)" : ""));
        }
        return n;
    }

    private static void rejectUnexpected(JsonNode object, String where, String prefix, ParameterLayout layout) {
        List<String> known = new ArrayList<>();
        for (ParameterLayout.Tensor t : layout.tensors()) {
            if (t.name().startsWith(HEAD_PREFIX) == !prefix.isEmpty()) {
                known.add(t.name().substring(prefix.length()));
            }
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' in " + where + ": "
                        + layout.config() + " has exactly " + known
                        + " (bidirectional and proj_size LSTMs are not supported)");
            }
        }
    }
}
