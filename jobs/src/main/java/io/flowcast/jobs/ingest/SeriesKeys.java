package io.flowcast.jobs.ingest;

/**
 * What a series key may be, besides non-blank: at most a maximum of UTF-8 bytes (a setting,
 * {@code --max-key-bytes}), and text that has a UTF-8 form. Keys live in every series' state, in
 * every forecast and training record, so one unbounded key costs every stage that holds it; a
 * lone UTF-16 surrogate (U+D800 written as a JSON escape) has no UTF-8 form and would be echoed as JSON that
 * strict readers refuse.
 */
public final class SeriesKeys {

    /** The default maximum of a key's UTF-8 bytes. */
    public static final int DEFAULT_MAX_BYTES = 1_024;

    private SeriesKeys() {
    }

    /** The number of UTF-8 bytes of {@code key}, or -1 if it holds a lone surrogate (no UTF-8 form). */
    static long utf8Length(String key) {
        long bytes = 0;
        int n = key.length();
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                return -1;
            }
        }
        return bytes;
    }
}
