package io.flowcast.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The flowcast model file ({@code .fcst}): a {@link SavedModel} as bytes. Never Java serialization:
 * the layout below is the whole contract, readable from any language.
 *
 * <p>All numbers are little-endian; a <i>string</i> is an int32 byte count then that many bytes of
 * UTF-8.
 *
 * <pre>
 * offset  bytes  field
 * ------  -----  ----------------------------------------------------------------------
 *  0      4      magic 'F' 'C' 'S' 'T' (46 43 53 54)                        \
 *  4      4      int32 format version (this reader: 1 to CURRENT_VERSION)    | frame: the same
 *  8      4      int32 total file length L in bytes, checksum included      /  in every version
 * -- version 1 body --
 * 12      4+n    string cell id: "lstm", "gru", "rnn_tanh" or "rnn_relu"
 *         16     int32 inputSize, hiddenSize, numLayers, outputSize
 *         4      int32 metadata entry count m
 *         ...    m x (string key, string value), keys unique and non-empty, in key order
 *         1      scaler flag: 0 = none, 1 = present; if present:
 *         4        int32 features n
 *         8        int64 observation count
 *         4        int32 minCount
 *         8        float64 minStd
 *         8n       float64 mean[n]
 *         8n       float64 M2[n] (sums of squared deviations)
 *         4      int32 parameter count P (= ParameterLayout(config).size())
 *         4P     float32 parameters[P], in ParameterLayout (PyTorch) order
 * -- frame --
 * L-4     4      CRC32 of bytes [0, L-4), as uint32
 * </pre>
 *
 * <p><b>Loading checks, in order:</b> magic ({@code NOT_A_MODEL_FILE}); version
 * ({@code UNSUPPORTED_VERSION}); declared length against the bytes present ({@code TRUNCATED}, with
 * both numbers); CRC32 ({@code CHECKSUM_MISMATCH}); then the body: parameter count against the
 * config ({@code PARAMETER_COUNT_MISMATCH}), finite parameters ({@code NON_FINITE_PARAMETER}), every
 * other field ({@code MALFORMED}). See {@link ModelFormatException.Problem}. Parameters round-trip bit
 * for bit.
 *
 * <p><b>Version policy.</b> Readers accept every version from 1 up to their {@link #CURRENT_VERSION};
 * writers write only the current one. The 12-byte header and the trailing CRC32 never change. Any
 * change to the body layout takes a new version number, a new {@code FormatVn} class beside the old
 * ones (old decoders stay, unchanged), and a committed fixture file of the new version; the committed
 * {@code model-v1.fcst} fixture must keep loading forever. New metadata keys need no new version.
 */
public final class WeightFormat {

    /** The version {@link #toBytes} writes and the newest {@link #fromBytes} reads. */
    public static final int CURRENT_VERSION = FormatV1.VERSION;
    public static final String FILE_EXTENSION = ".fcst";

    private WeightFormat() {
    }

    /** The model as a complete file, in the current version. */
    public static byte[] toBytes(SavedModel model) {
        return FormatV1.encode(model);
    }

    /** Reads a byte array holding exactly one model file. */
    public static SavedModel fromBytes(byte[] bytes) throws ModelFormatException {
        FileFrame.Header header = FileFrame.parseHeader(bytes, bytes.length);
        FileFrame.checkLengthAndChecksum(header, bytes, bytes.length);
        return decodeBody(header, bytes);
    }

    private static SavedModel decodeBody(FileFrame.Header header, byte[] bytes) throws ModelFormatException {
        return switch (header.version()) {
            case FormatV1.VERSION -> FormatV1.decode(bytes, header.length());
            default -> throw new IllegalStateException("parseHeader accepted version " + header.version()
                    + " that has no decoder");
        };
    }

    public static void write(SavedModel model, OutputStream out) throws IOException {
        out.write(toBytes(model));
    }

    /**
     * Reads one model from the stream, consuming exactly its bytes (the header says how many), so
     * several models or other data may follow.
     */
    public static SavedModel read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(FileFrame.HEADER_BYTES);
        FileFrame.Header header = FileFrame.parseHeader(head, head.length);
        byte[] rest = in.readNBytes(header.length() - FileFrame.HEADER_BYTES);
        byte[] bytes = new byte[FileFrame.HEADER_BYTES + rest.length];
        System.arraycopy(head, 0, bytes, 0, FileFrame.HEADER_BYTES);
        System.arraycopy(rest, 0, bytes, FileFrame.HEADER_BYTES, rest.length);
        FileFrame.checkLengthAndChecksum(header, bytes, bytes.length);
        return decodeBody(header, bytes);
    }

    /**
     * Writes the file atomically: to a temporary file in the same folder, forced to disk, then
     * renamed over {@code file}, so a reader polling the folder never sees half a model.
     */
    public static void write(SavedModel model, Path file) throws IOException {
        byte[] bytes = toBytes(model);
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a model file; problems name the file. */
    public static SavedModel read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > FileFrame.MAX_FILE_BYTES) {
            throw new ModelFormatException(ModelFormatException.Problem.MALFORMED, file + ": " + size
                    + " bytes is larger than any model file can be");
        }
        try {
            return fromBytes(Files.readAllBytes(file));
        } catch (ModelFormatException e) {
            throw e.from(file.toString());
        }
    }
}
