package io.flowcast.model.io;

import java.io.IOException;

/** A model file {@link WeightFormat} refuses to load, with the {@link Problem} for callers to act on. */
public final class ModelFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a file was refused. */
    public enum Problem {
        /** Does not start with the magic bytes {@code FCST}. */
        NOT_A_MODEL_FILE,
        /** A format version this reader does not know (newer, or below 1). */
        UNSUPPORTED_VERSION,
        /** Fewer bytes than the header declares. */
        TRUNCATED,
        /** More bytes than the header declares (only when a whole byte array is one model). */
        TRAILING_BYTES,
        /** The CRC32 does not match: the bytes were changed after writing. */
        CHECKSUM_MISMATCH,
        /** The checksum holds, but the stored parameter count is not what the stored config needs. */
        PARAMETER_COUNT_MISMATCH,
        /** A parameter is NaN or infinite: a diverged model. */
        NON_FINITE_PARAMETER,
        /** The checksum holds but a field is invalid (unknown cell type, bad size, broken string...). */
        MALFORMED
    }

    private final Problem problem;

    public ModelFormatException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** The same problem, its message prefixed with where the bytes came from. */
    ModelFormatException from(String source) {
        ModelFormatException e = new ModelFormatException(problem, source + ": " + getMessage());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
