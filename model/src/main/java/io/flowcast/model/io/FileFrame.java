package io.flowcast.model.io;

import io.flowcast.model.io.ModelFormatException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The part of a model file every format version shares and no version may change: the 12-byte
 * header (magic, version, total length) and the trailing CRC32. Fixing it is what lets an old
 * reader say "newer version" or "truncated" about a file whose body it cannot parse.
 */
final class FileFrame {

    static final byte[] MAGIC = {'F', 'C', 'S', 'T'};
    static final int HEADER_BYTES = 12;
    static final int CHECKSUM_BYTES = 4;
    /** Largest file we read into one array. */
    static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    /** A parsed header: the format version and the file's total length, checksum included. */
    record Header(int version, int length) {
    }

    private FileFrame() {
    }

    /**
     * Checks the header in {@code bytes[0..present)} (present may be less than 12): magic, then a
     * version this reader knows, then a sane length. Does not compare the length with what is present.
     */
    static Header parseHeader(byte[] bytes, int present) throws ModelFormatException {
        if (present == 0) {
            throw new ModelFormatException(Problem.NOT_A_MODEL_FILE, "empty: not a flowcast model file");
        }
        for (int i = 0; i < Math.min(present, MAGIC.length); i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new ModelFormatException(Problem.NOT_A_MODEL_FILE, "not a flowcast model file: starts with "
                        + hex(bytes, Math.min(present, MAGIC.length)) + ", expected 46 43 53 54 ('FCST')");
            }
        }
        if (present < HEADER_BYTES) {
            throw new ModelFormatException(Problem.TRUNCATED, "truncated file: expected at least " + HEADER_BYTES
                    + " bytes (the header), present " + present);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int version = b.getInt();
        int length = b.getInt();
        if (version < 1) {
            throw new ModelFormatException(Problem.UNSUPPORTED_VERSION, "unknown format version " + version);
        }
        if (version > WeightFormat.CURRENT_VERSION) {
            throw new ModelFormatException(Problem.UNSUPPORTED_VERSION, "format version " + version
                    + " is newer than this reader, which reads versions 1 to " + WeightFormat.CURRENT_VERSION
                    + ": upgrade flowcast to load it");
        }
        if (length < HEADER_BYTES + CHECKSUM_BYTES || length > MAX_FILE_BYTES) {
            throw new ModelFormatException(Problem.MALFORMED, "header declares a length of " + length
                    + " bytes, outside " + (HEADER_BYTES + CHECKSUM_BYTES) + ".." + MAX_FILE_BYTES);
        }
        return new Header(version, length);
    }

    /** Compares the declared length with the bytes present, then the checksum. */
    static void checkLengthAndChecksum(Header header, byte[] bytes, int present) throws ModelFormatException {
        if (present < header.length()) {
            throw new ModelFormatException(Problem.TRUNCATED, "truncated file: expected " + header.length()
                    + " bytes, present " + present);
        }
        if (present > header.length()) {
            throw new ModelFormatException(Problem.TRAILING_BYTES, (present - header.length())
                    + " bytes after the end of the model: expected " + header.length() + " bytes, present " + present);
        }
        int end = header.length() - CHECKSUM_BYTES;
        int stored = ByteBuffer.wrap(bytes, end, CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int computed = crc(bytes, end);
        if (stored != computed) {
            throw new ModelFormatException(Problem.CHECKSUM_MISMATCH, String.format(
                    "checksum mismatch, the file is corrupt: stored CRC32 %08x, computed %08x over %d bytes",
                    stored, computed, end));
        }
    }

    /** Writes magic, version and length at the buffer's position. */
    static void putHeader(ByteBuffer b, int version, int length) {
        b.put(MAGIC).putInt(version).putInt(length);
    }

    /** Writes the CRC32 of everything before the buffer's position; the buffer must end there. */
    static void putChecksum(ByteBuffer b) {
        b.putInt(crc(b.array(), b.position()));
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return s.toString() + " ('" + new String(bytes, 0, n, StandardCharsets.ISO_8859_1).replaceAll("\\p{Cntrl}", "?")
                + "')";
    }
}
