package io.flowcast.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8} agrees with the JDK's strict UTF-8 decoder, byte string by byte string. */
class Utf8Test {

    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private boolean jdkAccepts(byte[] bytes) {
        try {
            strict.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void agreesWithTheJdkOn100000RandomAndMutatedByteStrings() {
        Random random = new Random(11);
        String[] seeds = {"station-7", "\u00e9t\u00e9", "\u6771\u4eac", "\ud83d\ude00!", "\u07ff\u0800\uffff", "\udbff\udfff"};
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(8)];
                for (int j = 0; j < bytes.length; j++) {
                    // Mostly bytes that matter: leads, continuations, the edges of both.
                    bytes[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 0x80 + random.nextInt(128));
                }
            } else {
                bytes = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8);
                int flips = random.nextInt(3);
                for (int f = 0; f < flips && bytes.length > 0; f++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            boolean ours = Utf8.problem(bytes, true) == null;
            if (ours != jdkAccepts(bytes)) {
                fail("disagree on " + HexFormat.ofDelimiter(" ").formatHex(bytes) + ": ours " + ours);
            }
            if (ours) {
                accepted++;
            }
        }
        assertThat(accepted).as("both outcomes were exercised").isBetween(5_000, 95_000);
    }

    @Test
    void nulIsRefusedOnlyWhenAsked() {
        byte[] withNul = {'a', 0, 'b'};
        assertThat(Utf8.problem(withNul, true)).isNull();
        assertThat(Utf8.problem(withNul, false)).contains("NUL").contains("1");
    }

    @Test
    void saysWhereTheProblemIs() {
        assertThat(Utf8.problem(new byte[] {'a', 'b', (byte) 0xFF}, true)).contains("0xFF").contains("2");
        assertThat(Utf8.problem(new byte[] {'a', (byte) 0xE2, (byte) 0x82}, true)).contains("cut off");
        assertThat(Utf8.problem(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, true)).contains("invalid");
    }
}
