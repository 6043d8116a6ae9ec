package io.flowcast.model.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.io.JsonTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One PyTorch reference case (format in {@code shared/parity/README.md}): a recurrent module's
 * {@code state_dict}, a Linear head, inputs, initial states, and the float64 results to match.
 * Values stay in double; the check decides where to round.
 */
public record ParityCase(
        String name,
        NetConfig config,
        Map<String, double[]> stateDict,
        Map<String, double[]> head,
        double[][] h0,
        double[][] c0,
        double[][] inputs,
        double[][] outputs,
        double[][] headOutputs,
        double[][] hN,
        double[][] cN,
        double[][] targets,
        double loss,
        Map<String, double[]> grads,
        Map<String, double[]> headGrads,
        Tolerance forwardTolerance,
        Tolerance gradientTolerance) {

    /** abs(ours - ref) <= atol + rtol * abs(ref). */
    public record Tolerance(double atol, double rtol) {
        public boolean accepts(double ours, double ref) {
            return Math.abs(ours - ref) <= atol + rtol * Math.abs(ref);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ParityCase load(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        try {
            return parse(root, file.getFileName().toString());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid parity case: " + e.getMessage(), e);
        }
    }

    static ParityCase parse(JsonNode root, String fallbackName) {
        NetConfig config = new NetConfig(
                CellType.fromId(required(root, "cell").asText()),
                required(root, "input_size").asInt(),
                required(root, "hidden_size").asInt(),
                required(root, "num_layers").asInt(),
                required(root, "output_size").asInt());
        return new ParityCase(
                root.has("name") ? root.get("name").asText() : fallbackName,
                config,
                JsonTensors.flattenAll(required(root, "state_dict")),
                JsonTensors.flattenAll(required(root, "head")),
                matrix(required(root, "h0")),
                root.has("c0") ? matrix(root.get("c0")) : null,
                matrix(required(root, "inputs")),
                matrix(required(root, "outputs")),
                matrix(required(root, "head_outputs")),
                matrix(required(root, "h_n")),
                root.has("c_n") ? matrix(root.get("c_n")) : null,
                matrix(required(root, "targets")),
                required(root, "loss").asDouble(),
                JsonTensors.flattenAll(required(root, "grads")),
                JsonTensors.flattenAll(required(root, "head_grads")),
                tolerance(required(root, "forward_tolerance")),
                tolerance(required(root, "gradient_tolerance")));
    }

    /**
     * The case's parameters in {@link ParameterLayout} order, rounded to float. The head's tensors
     * are named {@code weight}/{@code bias} in the case and {@code head.weight}/{@code head.bias} here.
     */
    public float[] parameters() {
        return flatten(stateDict, head);
    }

    /** The reference gradients in {@link ParameterLayout} order, as doubles. */
    public double[] referenceGradients() {
        ParameterLayout layout = new ParameterLayout(config);
        double[] out = new double[layout.size()];
        for (ParameterLayout.Tensor t : layout.tensors()) {
            double[] v = lookup(grads, headGrads, t);
            System.arraycopy(v, 0, out, t.offset(), t.size());
        }
        return out;
    }

    private float[] flatten(Map<String, double[]> body, Map<String, double[]> headTensors) {
        ParameterLayout layout = new ParameterLayout(config);
        float[] out = new float[layout.size()];
        for (ParameterLayout.Tensor t : layout.tensors()) {
            double[] v = lookup(body, headTensors, t);
            for (int i = 0; i < v.length; i++) {
                out[t.offset() + i] = (float) v[i];
            }
        }
        return out;
    }

    private double[] lookup(Map<String, double[]> body, Map<String, double[]> headTensors, ParameterLayout.Tensor t) {
        String name = t.name();
        double[] v = name.startsWith("head.") ? headTensors.get(name.substring(5)) : body.get(name);
        if (v == null) {
            throw new IllegalArgumentException("case " + this.name + " lacks tensor " + name);
        }
        if (v.length != t.size()) {
            throw new IllegalArgumentException("case " + this.name + ": tensor " + name + " has " + v.length
                    + " values, " + config + " needs " + t.rows() + " x " + t.cols());
        }
        return v;
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return n;
    }

    private static Tolerance tolerance(JsonNode n) {
        return new Tolerance(required(n, "atol").asDouble(), required(n, "rtol").asDouble());
    }

    private static double[][] matrix(JsonNode n) {
        double[][] out = new double[n.size()][];
        for (int i = 0; i < n.size(); i++) {
            out[i] = JsonTensors.flatten(n.get(i));
        }
        return out;
    }
}
