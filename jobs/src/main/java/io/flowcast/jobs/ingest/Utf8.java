package io.flowcast.jobs.ingest;

/**
 * Strict UTF-8 (RFC 3629) for record bytes: no overlong forms, no encoded surrogates, nothing beyond
 * U+10FFFF, no truncated character. Java's own decoders replace what they cannot read with U+FFFD, so
 * two different byte strings could become one series key; Jackson guesses UTF-16 or UTF-32 from the
 * first bytes. Checking first makes the documented encoding the only one accepted.
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * What is wrong with {@code bytes} as UTF-8 text (the first problem, with its byte offset), or null
     * when it is well-formed.
     *
     * @param nulAllowed whether U+0000 may appear (never in JSON text: it must be escaped there)
     */
    static String problem(byte[] bytes, boolean nulAllowed) {
        int n = bytes.length;
        int i = 0;
        while (i < n) {
            int b = bytes[i];
            if (b > 0) { // ASCII, the common case
                i++;
                continue;
            }
            if (b == 0) {
                if (!nulAllowed) {
                    return "a NUL byte at " + i;
                }
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int following;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                following = 1;
            } else if (lead == 0xE0) {
                following = 2;
                secondMin = 0xA0; // else overlong
            } else if (lead == 0xED) {
                following = 2;
                secondMax = 0x9F; // else a surrogate U+D800..U+DFFF
            } else if (lead >= 0xE1 && lead <= 0xEF) {
                following = 2;
            } else if (lead == 0xF0) {
                following = 3;
                secondMin = 0x90; // else overlong
            } else if (lead >= 0xF1 && lead <= 0xF3) {
                following = 3;
            } else if (lead == 0xF4) {
                following = 3;
                secondMax = 0x8F; // else beyond U+10FFFF
            } else {
                return String.format("byte 0x%02X at %d cannot start a UTF-8 character", lead, i);
            }
            if (i + following >= n) {
                return "a UTF-8 character cut off at the end (byte " + i + ")";
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return String.format("an invalid UTF-8 sequence at byte %d (0x%02X 0x%02X)", i, lead, second);
            }
            for (int k = 2; k <= following; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return String.format("an invalid UTF-8 sequence at byte %d (0x%02X ...)", i, lead);
                }
            }
            i += following + 1;
        }
        return null;
    }
}
