package io.flowcast.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each named tensor lives in the one flat parameter array of a {@link RecurrentNet}.
 *
 * <p>Names and shapes are PyTorch's: {@code weight_ih_l{k}} (G*H x in), {@code weight_hh_l{k}}
 * (G*H x H), {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (G*H), then the head's {@code head.weight}
 * (outputs x H) and {@code head.bias}; matrices row-major. One flat array lets the optimizer, the
 * clipping and the weight format run one loop over everything; gradients use the same layout.
 */
public final class ParameterLayout {

    /** One named tensor: its shape (rows x cols; cols = 1 for vectors) and offset in the flat array. */
    public record Tensor(String name, int rows, int cols, int offset) {
        public int size() {
            return rows * cols;
        }
    }

    private final NetConfig config;
    private final Map<String, Tensor> byName;
    private final int size;
    // Resolved once: the per-step code asks for these every layer and step, and building the name
    // ("bias_ih_l" + k) there allocated a String per call on a path that must allocate nothing.
    private final Tensor[] weightIh;
    private final Tensor[] weightHh;
    private final Tensor[] biasIh;
    private final Tensor[] biasHh;
    private final Tensor headWeight;
    private final Tensor headBias;

    public ParameterLayout(NetConfig config) {
        this.config = config;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int offset = 0;
        int rows = config.gateRows();
        for (int k = 0; k < config.numLayers(); k++) {
            offset = add(tensors, "weight_ih_l" + k, rows, config.layerInputSize(k), offset);
            offset = add(tensors, "weight_hh_l" + k, rows, config.hiddenSize(), offset);
            offset = add(tensors, "bias_ih_l" + k, rows, 1, offset);
            offset = add(tensors, "bias_hh_l" + k, rows, 1, offset);
        }
        offset = add(tensors, "head.weight", config.outputSize(), config.hiddenSize(), offset);
        offset = add(tensors, "head.bias", config.outputSize(), 1, offset);
        this.byName = Collections.unmodifiableMap(tensors);
        this.size = offset;
        int layers = config.numLayers();
        this.weightIh = new Tensor[layers];
        this.weightHh = new Tensor[layers];
        this.biasIh = new Tensor[layers];
        this.biasHh = new Tensor[layers];
        for (int k = 0; k < layers; k++) {
            weightIh[k] = tensor("weight_ih_l" + k);
            weightHh[k] = tensor("weight_hh_l" + k);
            biasIh[k] = tensor("bias_ih_l" + k);
            biasHh[k] = tensor("bias_hh_l" + k);
        }
        this.headWeight = tensor("head.weight");
        this.headBias = tensor("head.bias");
    }

    private static int add(Map<String, Tensor> tensors, String name, int rows, int cols, int offset) {
        tensors.put(name, new Tensor(name, rows, cols, offset));
        return offset + rows * cols;
    }

    public NetConfig config() {
        return config;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    /** All tensors in storage order. */
    public List<Tensor> tensors() {
        return new ArrayList<>(byName.values());
    }

    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "' in " + config
                    + "; known: " + byName.keySet());
        }
        return t;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public Tensor weightIh(int layer) {
        return weightIh[layer];
    }

    public Tensor weightHh(int layer) {
        return weightHh[layer];
    }

    public Tensor biasIh(int layer) {
        return biasIh[layer];
    }

    public Tensor biasHh(int layer) {
        return biasHh[layer];
    }

    public Tensor headWeight() {
        return headWeight;
    }

    public Tensor headBias() {
        return headBias;
    }
}
