package io.flowcast.jobs.records;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Strings in state and records: an int length and the UTF-8 bytes. Series keys are user input and
 * may be longer than the 65,535 bytes {@code writeUTF} can hold.
 */
public final class Strings {

    /** Longest string read back (a corrupt length must not allocate gigabytes). */
    public static final int MAX_BYTES = 1 << 24;

    private Strings() {
    }

    public static void write(String s, DataOutput out) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    public static String read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_BYTES) {
            throw new IOException("corrupt string: length " + n);
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
