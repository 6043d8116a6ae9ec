package io.flowcast.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tensors written as nested JSON arrays (as {@code tensor.tolist()} gives them): shape and
 * row-major values. Shared by the PyTorch parity cases and {@link TorchStateDict} so both read
 * tensors the same way.
 *
 * <p>Strict on purpose: a ragged array or a non-numeric element (a string, null, a boolean) is an
 * error naming its index, where a lenient {@code asDouble()} would silently load a 0.
 */
public final class JsonTensors {

    private JsonTensors() {
    }

    /** Shape of a tensor: {@code []} for a scalar, {@code [n]} for a vector, {@code [rows, cols]} ... */
    public static int[] shape(JsonNode tensor) {
        List<Integer> dims = new ArrayList<>();
        JsonNode n = tensor;
        while (n.isArray()) {
            dims.add(n.size());
            if (n.isEmpty()) {
                break;
            }
            n = n.get(0);
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        checkShape(tensor, shape, 0, "");
        return shape;
    }

    /** All values of a tensor of any rank, row-major; a scalar gives one value. */
    public static double[] flatten(JsonNode tensor) {
        int[] shape = shape(tensor);
        int size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        double[] out = new double[size];
        int written = collect(tensor, out, 0);
        assert written == size;
        return out;
    }

    /** Every field of a JSON object, as name to flattened tensor, in the object's order. */
    public static Map<String, double[]> flattenAll(JsonNode object) {
        if (!object.isObject()) {
            throw new IllegalArgumentException("expected an object of named tensors, got " + object.getNodeType());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> {
            try {
                out.put(e.getKey(), flatten(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        });
        return out;
    }

    /** Renders a shape as PyTorch prints it, e.g. {@code [12, 3]}. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    private static void checkShape(JsonNode n, int[] shape, int depth, String index) {
        if (depth == shape.length) {
            if (!n.isNumber()) {
                throw new IllegalArgumentException("element " + (index.isEmpty() ? "" : index + " ")
                        + "is " + describe(n) + ", expected a number");
            }
            return;
        }
        if (!n.isArray() || n.size() != shape[depth]) {
            throw new IllegalArgumentException("ragged tensor: " + (index.isEmpty() ? "top level" : "row " + index)
                    + " is " + describe(n) + ", expected an array of " + shape[depth]);
        }
        for (int i = 0; i < n.size(); i++) {
            checkShape(n.get(i), shape, depth + 1, index + "[" + i + "]");
        }
    }

    private static String describe(JsonNode n) {
        return n.isArray() ? "an array of " + n.size() : n.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + n;
    }

    private static int collect(JsonNode n, double[] out, int at) {
        if (!n.isArray()) {
            out[at] = n.doubleValue();
            return at + 1;
        }
        for (JsonNode c : n) {
            at = collect(c, out, at);
        }
        return at;
    }
}
