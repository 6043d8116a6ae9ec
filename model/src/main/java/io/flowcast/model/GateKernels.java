package io.flowcast.model;

/**
 * Chooses the LSTM matrix kernel once per JVM: the register-blocked Vector API kernel
 * ({@link VectorApiGates}) when {@code jdk.incubator.vector} is in the boot layer (the JVM was started
 * with {@code --add-modules jdk.incubator.vector}), otherwise the auto-vectorised loops
 * ({@link AutoVectorizedGates}). Both give the same bits; only the speed differs.
 *
 * <p>The module is an incubator in JDK 17 and a jar cannot add it for itself, so the choice is the
 * launcher's. {@code -Dflowcast.vectorApi=false} turns the Vector API kernel off (to compare them).
 */
public final class GateKernels {

    static final String MODULE = "jdk.incubator.vector";
    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule(MODULE).isPresent();
    private static final boolean VECTOR_API = MODULE_PRESENT
            && Boolean.parseBoolean(System.getProperty("flowcast.vectorApi", "true"));

    private GateKernels() {
    }

    /** True when LSTM layers of this hidden size run the Vector API kernel in this JVM. */
    public static boolean vectorApi(int hidden) {
        // VectorApiGates is only loaded (and the module only linked) on this branch.
        return VECTOR_API && VectorApiGates.supports(hidden);
    }

    static GatePreactivations forLstm(int hidden, int maxLayerInput) {
        return vectorApi(hidden) ? new VectorApiGates(hidden, maxLayerInput) : new AutoVectorizedGates(hidden);
    }

    /** One line for logs and benchmarks: which kernel an LSTM of this hidden size runs, and why. */
    public static String describe(int hidden) {
        if (vectorApi(hidden)) {
            return VectorApiGates.describe();
        }
        return "auto-vectorised loops (" + whyNot() + ")";
    }

    /** One line for a job's log: the kernel LSTM layers run in this JVM. */
    public static String describe() {
        return VECTOR_API && VectorApiGates.usable()
                ? VectorApiGates.describe() + " where H is a multiple of " + VectorApiGates.lanes()
                        + ", else auto-vectorised loops"
                : "auto-vectorised loops (" + whyNot() + ")";
    }

    private static String whyNot() {
        if (!MODULE_PRESENT) {
            return "start the JVM with --add-modules " + MODULE + " for the faster Vector API kernel";
        }
        if (!VECTOR_API) {
            return "the Vector API kernel is turned off by -Dflowcast.vectorApi=false";
        }
        if (!VectorApiGates.usable()) {
            return "the Vector API kernel needs vectors of at least 256 bits; this CPU's are "
                    + VectorApiGates.describe();
        }
        return "the Vector API kernel needs H to be a multiple of " + VectorApiGates.lanes();
    }
}
