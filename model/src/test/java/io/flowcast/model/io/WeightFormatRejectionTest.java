package io.flowcast.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.ParameterLayout;
import io.flowcast.model.RecurrentNet;
import io.flowcast.model.io.ModelFormatException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model file can be wrong is refused with its own problem and a message that names it. */
class WeightFormatRejectionTest {

    private static final SavedModel MODEL = ModelBytes.sample(CellType.GRU, 2, 77);
    private static final byte[] GOOD = WeightFormat.toBytes(MODEL);
    private static final int PARAMS = MODEL.net().parameters().length;

    private static ModelFormatException refused(byte[] bytes, Problem problem, String... messageParts) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightFormat.fromBytes(bytes));
        assertEquals(problem, e.problem(), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
        }
        return e;
    }

    @Test
    void otherFilesAreNotModelFiles() {
        refused(new byte[0], Problem.NOT_A_MODEL_FILE, "not a flowcast model file");
        refused("{\"cell\": \"gru\"}".getBytes(StandardCharsets.UTF_8), Problem.NOT_A_MODEL_FILE,
                "not a flowcast model file", "7b 22 63 65");
        refused(new byte[] {0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Problem.NOT_A_MODEL_FILE, "'PK??'");
        byte[] lowerCase = GOOD.clone();
        lowerCase[3] = 't';
        refused(lowerCase, Problem.NOT_A_MODEL_FILE, "expected 46 43 53 54");
    }

    @Test
    void newerAndUnknownVersionsAreRefusedBeforeAnythingElse() {
        // a newer file may have any body: only the frame is read, so no need to reseal the checksum
        refused(ModelBytes.putI32(GOOD, 4, 2), Problem.UNSUPPORTED_VERSION, "format version 2 is newer",
                "versions 1 to 1", "upgrade");
        refused(ModelBytes.putI32(Arrays.copyOf(GOOD, 12), 4, 99), Problem.UNSUPPORTED_VERSION, "99");
        refused(ModelBytes.putI32(GOOD, 4, 0), Problem.UNSUPPORTED_VERSION, "unknown format version 0");
        refused(ModelBytes.putI32(GOOD, 4, -1), Problem.UNSUPPORTED_VERSION, "unknown format version -1");
    }

    @Test
    void everyTruncationIsReportedWithExpectedAndPresentBytes() {
        for (int n = 1; n < GOOD.length; n++) {
            byte[] cut = Arrays.copyOf(GOOD, n);
            if (n < 12) {
                refused(cut, Problem.TRUNCATED, "expected at least 12 bytes", "present " + n);
            } else {
                refused(cut, Problem.TRUNCATED, "truncated file: expected " + GOOD.length + " bytes, present " + n);
            }
        }
    }

    @Test
    void truncatedStreamAndFileToo(@TempDir Path dir) throws IOException {
        byte[] cut = Arrays.copyOf(GOOD, GOOD.length / 2);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> WeightFormat.read(new ByteArrayInputStream(cut)));
        assertEquals(Problem.TRUNCATED, e.problem());
        assertTrue(e.getMessage().contains("expected " + GOOD.length + " bytes, present " + cut.length), e.getMessage());

        Path file = dir.resolve("half.fcst");
        Files.write(file, cut);
        e = assertThrows(ModelFormatException.class, () -> WeightFormat.read(file));
        assertEquals(Problem.TRUNCATED, e.problem());
        assertTrue(e.getMessage().startsWith(file + ": truncated file"), e.getMessage());
    }

    @Test
    void bytesAfterTheModelAreRefusedInAnArray() {
        byte[] longer = Arrays.copyOf(GOOD, GOOD.length + 3);
        refused(longer, Problem.TRAILING_BYTES, "3 bytes after the end", "expected " + GOOD.length);
    }

    @Test
    void oneFlippedByteInTheMiddleIsACorruptChecksum() {
        byte[] flipped = GOOD.clone();
        int middle = GOOD.length / 2;
        flipped[middle] ^= (byte) 0xff;
        refused(flipped, Problem.CHECKSUM_MISMATCH, "checksum mismatch", "corrupt");
    }

    @Test
    void noSingleFlippedByteAnywhereLoads() {
        for (int i = 0; i < GOOD.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = GOOD.clone();
                flipped[i] ^= (byte) (1 << bit);
                ModelFormatException e = assertThrows(ModelFormatException.class,
                        () -> WeightFormat.fromBytes(flipped), "byte " + i + " bit " + bit);
                Problem expected = i < 4 ? Problem.NOT_A_MODEL_FILE
                        : i < 8 ? Problem.UNSUPPORTED_VERSION
                        : i < 12 ? null
                        : Problem.CHECKSUM_MISMATCH;
                if (expected != null) {
                    assertEquals(expected, e.problem(), "byte " + i + " bit " + bit + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void configThatDoesNotFitTheParametersIsACountMismatch() {
        int hiddenAt = ModelBytes.sizesOffset(GOOD) + 4;
        assertEquals(5, ModelBytes.i32(GOOD, hiddenAt));
        byte[] changed = ModelBytes.putI32(GOOD, hiddenAt, 6);
        // the disk did it: the checksum catches it first
        refused(changed, Problem.CHECKSUM_MISMATCH);
        // the writer did it: the checksum holds, the count does not
        int needed = new ParameterLayout(new NetConfig(CellType.GRU, 3, 6, 2, 2)).size();
        refused(ModelBytes.reseal(changed), Problem.PARAMETER_COUNT_MISMATCH,
                "file has " + PARAMS + " parameters", "hiddenSize=6", "needs " + needed);
        byte[] oneLayer = ModelBytes.reseal(ModelBytes.putI32(GOOD, hiddenAt + 4, 1));
        refused(oneLayer, Problem.PARAMETER_COUNT_MISMATCH, "numLayers=1");
    }

    @Test
    void aConfigFarLargerThanItsParametersIsRefusedWithoutBuildingIt() {
        int sizes = ModelBytes.sizesOffset(GOOD);
        // A billion layers would cost a billion layout entries, a hidden size of 2^30 overflows an int
        // (its count could wrap to the stored one): both are compared in exact arithmetic first.
        long started = System.nanoTime();
        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, sizes + 8, 1_000_000_000)), Problem.PARAMETER_COUNT_MISMATCH,
                "numLayers=1000000000");
        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, sizes + 4, 1 << 30)), Problem.PARAMETER_COUNT_MISMATCH,
                "hiddenSize=1073741824");
        refused(ModelBytes.reseal(ModelBytes.putI32(ModelBytes.putI32(GOOD, sizes + 4, Integer.MAX_VALUE), sizes + 8,
                Integer.MAX_VALUE)), Problem.PARAMETER_COUNT_MISMATCH, "needs more than 2^63");
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "refused at once");
    }

    @Test
    void theExactCountIsTheLayoutsForEveryCellAndDepth() {
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 3; layers++) {
                NetConfig config = new NetConfig(cell, 7, 5, layers, 4);
                assertEquals(new ParameterLayout(config).size(), FormatV1.parameterCount(config), config.toString());
            }
        }
    }

    @Test
    void nonFiniteParametersAreRefusedNamingTheTensorElement() {
        int at = ModelBytes.parametersOffset(GOOD, PARAMS);
        ParameterLayout layout = MODEL.net().layout();
        int biasIndex = layout.biasHh(1).offset() + 4;
        refused(ModelBytes.reseal(ModelBytes.putF32(GOOD, at + 4 * biasIndex, Float.NaN)),
                Problem.NON_FINITE_PARAMETER, "bias_hh_l1[4]", "NaN");
        int headIndex = layout.headWeight().offset() + 5 + 3; // row 1, col 3 of the 2 x 5 head
        refused(ModelBytes.reseal(ModelBytes.putF32(GOOD, at + 4 * headIndex, Float.NEGATIVE_INFINITY)),
                Problem.NON_FINITE_PARAMETER, "head.weight[1][3]", "-Infinity");
        refused(ModelBytes.reseal(ModelBytes.putF32(GOOD, at, Float.POSITIVE_INFINITY)),
                Problem.NON_FINITE_PARAMETER, "parameter 0 (weight_ih_l0[0][0])");
    }

    @Test
    void invalidFieldsBehindAValidChecksumAreMalformed() {
        byte[] unknownCell = GOOD.clone();
        unknownCell[16 + 2] = 'x'; // "gru" -> "grx"
        refused(ModelBytes.reseal(unknownCell), Problem.MALFORMED, "unknown cell type 'grx'");

        int sizes = ModelBytes.sizesOffset(GOOD);
        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, sizes, 0)), Problem.MALFORMED,
                "invalid network config", "inputSize must be positive");

        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, 12, 1 << 20)), Problem.MALFORMED, "cell id", "needs 1048576");
        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, sizes + 16, -1)), Problem.MALFORMED,
                "metadata entry count is negative");

        int scalerFlag = ModelBytes.parametersOffset(GOOD, PARAMS) - 4 - 56 - 1;
        assertEquals(1, GOOD[scalerFlag]);
        byte[] badFlag = GOOD.clone();
        badFlag[scalerFlag] = 2;
        refused(ModelBytes.reseal(badFlag), Problem.MALFORMED, "scaler flag is 2");
        int firstM2 = scalerFlag + 1 + 4 + 8 + 4 + 8 + 16;
        refused(ModelBytes.reseal(ModelBytes.putF64(GOOD, firstM2, -1.0)), Problem.MALFORMED,
                "invalid scaler state");

        refused(ModelBytes.insert(GOOD, GOOD.length - 4, new byte[] {1, 2, 3, 4}), Problem.MALFORMED,
                "4 unexpected bytes between the parameters and the checksum");
        refused(ModelBytes.reseal(ModelBytes.putI32(GOOD, 8, 15)), Problem.MALFORMED, "declares a length of 15");
    }

    @Test
    void brokenMetadataStringsAreMalformed() {
        RecurrentNet net = RecurrentNet.initialized(new NetConfig(CellType.GRU, 1, 1, 1, 1), 4);
        byte[] b = WeightFormat.toBytes(new SavedModel(net, Map.of("aa", "x", "ab", "y")));
        int firstKey = ModelBytes.sizesOffset(b) + 16 + 4 + 4; // past sizes, entry count, key length
        assertEquals('a', b[firstKey]);
        byte[] duplicate = b.clone();
        assertEquals('b', b[firstKey + 12]); // past "aa", value length, "x", key length, "a"
        duplicate[firstKey + 12] = 'a'; // second key "ab" -> "aa"
        refused(ModelBytes.reseal(duplicate), Problem.MALFORMED, "'aa' is empty or repeated");
        byte[] invalidUtf8 = b.clone();
        invalidUtf8[firstKey] = (byte) 0xc3; // a lead byte followed by an ASCII 'a'
        refused(ModelBytes.reseal(invalidUtf8), Problem.MALFORMED, "metadata key 0 is not valid UTF-8");
    }
}
