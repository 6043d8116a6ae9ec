package io.flowcast.model.io;

import io.flowcast.model.io.ModelFormatException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads of a model body that never run past its end: each read names the field, so a
 * short or inconsistent body says which field did not fit instead of throwing a bare
 * BufferUnderflowException.
 */
final class BodyReader {

    private final ByteBuffer buf;

    /** Reads {@code bytes[from..until)}. */
    BodyReader(byte[] bytes, int from, int until) {
        this.buf = ByteBuffer.wrap(bytes, from, until - from).order(ByteOrder.LITTLE_ENDIAN);
    }

    int position() {
        return buf.position();
    }

    int remaining() {
        return buf.remaining();
    }

    private void need(long bytes, String field) throws ModelFormatException {
        if (bytes > buf.remaining()) {
            throw new ModelFormatException(Problem.MALFORMED, field + " at byte " + buf.position() + " needs "
                    + bytes + " bytes but only " + buf.remaining() + " remain before the checksum");
        }
    }

    byte u8(String field) throws ModelFormatException {
        need(1, field);
        return buf.get();
    }

    int i32(String field) throws ModelFormatException {
        need(4, field);
        return buf.getInt();
    }

    long i64(String field) throws ModelFormatException {
        need(8, field);
        return buf.getLong();
    }

    double f64(String field) throws ModelFormatException {
        need(8, field);
        return buf.getDouble();
    }

    /** An int32 that must be {@code >= 0}: a count or a length. */
    int count(String field) throws ModelFormatException {
        int n = i32(field);
        if (n < 0) {
            throw new ModelFormatException(Problem.MALFORMED, field + " is negative: " + n);
        }
        return n;
    }

    /** int32 byte length, then that many bytes of strict UTF-8. */
    String string(String field) throws ModelFormatException {
        int n = count(field + " length");
        need(n, field);
        ByteBuffer bytes = buf.slice(buf.position(), n);
        buf.position(buf.position() + n);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(Problem.MALFORMED, field + " is not valid UTF-8");
        }
    }

    float[] floats(int n, String field) throws ModelFormatException {
        need(4L * n, field);
        float[] out = new float[n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + 4 * n);
        return out;
    }

    double[] doubles(int n, String field) throws ModelFormatException {
        need(8L * n, field);
        double[] out = new double[n];
        buf.asDoubleBuffer().get(out);
        buf.position(buf.position() + 8 * n);
        return out;
    }
}
