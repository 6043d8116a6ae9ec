package io.flowcast.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.flowcast.jobs.records.Observation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records built to hurt the parser: each ends as one {@link ParseResult.Rejected} with its stable
 * reason (or, where the format allows it, as an observation), and nothing throws. Keys (rule: at most
 * {@code maxKeyBytes} bytes of UTF-8, valid UTF-8, no lone surrogate), time (years 0001..9999 UTC),
 * encoding (UTF-8 only), and the sizes Jackson bounds.
 */
class HostileObservationsTest {

    private final ObservationParser parser = new ObservationParser(1);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String record(String key, String ts, String value) {
        return "{\"key\":" + key + ",\"ts\":" + ts + ",\"value\":" + value + "}";
    }

    private ParseResult parse(byte[] value, byte[] recordKey) {
        ParseResult[] result = new ParseResult[1];
        assertThatCode(() -> result[0] = parser.parse(value, recordKey)).doesNotThrowAnyException();
        return result[0];
    }

    private String reasonOf(byte[] value, byte[] recordKey) {
        ParseResult r = parse(value, recordKey);
        assertThat(r).isInstanceOf(ParseResult.Rejected.class);
        ParseResult.Rejected rejected = (ParseResult.Rejected) r;
        assertThat(rejected.detail()).isNotBlank().hasSizeLessThan(400);
        return rejected.reason().code();
    }

    private String reasonOf(String json) {
        return reasonOf(utf8(json), null);
    }

    private Observation accepted(byte[] value, byte[] recordKey) {
        ParseResult r = parse(value, recordKey);
        assertThat(r).as(new String(value, StandardCharsets.UTF_8)).isInstanceOf(ParseResult.Accepted.class);
        return ((ParseResult.Accepted) r).observation();
    }

    // ---- keys -----------------------------------------------------------------------------------

    @Test
    void aKeyOfTheMaximumLengthIsAcceptedAndOneByteMoreIsBadKey() {
        String ascii = "k".repeat(SeriesKeys.DEFAULT_MAX_BYTES);
        assertThat(accepted(utf8(record("\"" + ascii + "\"", "0", "1")), null).key).isEqualTo(ascii);
        assertThat(reasonOf(record("\"" + ascii + "x\"", "0", "1"))).isEqualTo("bad-key");
        // Bytes, not characters: 512 two-byte characters fit, 513 do not.
        String twoByte = "\u00e9".repeat(SeriesKeys.DEFAULT_MAX_BYTES / 2);
        assertThat(accepted(utf8(record("\"" + twoByte + "\"", "0", "1")), null).key).isEqualTo(twoByte);
        assertThat(reasonOf(record("\"" + twoByte + "\u00e9\"", "0", "1"))).isEqualTo("bad-key");
    }

    @Test
    void aKeyBeyondWhatWriteUtfCanHoldIsBadKeyNotAFailure() {
        assertThat(reasonOf(record("\"" + "x".repeat(70_000) + "\"", "0", "1"))).isEqualTo("bad-key");
        assertThat(reasonOf(utf8("{\"ts\":0,\"value\":1}"), utf8("r".repeat(70_000)))).isEqualTo("bad-key");
    }

    @Test
    void theMaximumIsASetting() {
        ObservationParser eight = new ObservationParser(1, 8);
        assertThat(eight.parse(utf8(record("\"12345678\"", "0", "1")), null)).isInstanceOf(ParseResult.Accepted.class);
        ParseResult nine = eight.parse(utf8(record("\"123456789\"", "0", "1")), null);
        assertThat(((ParseResult.Rejected) nine).reason().code()).isEqualTo("bad-key");
        assertThat(((ParseResult.Rejected) nine).detail()).contains("9 bytes").contains("at most 8");
        assertThat(((ParseResult.Rejected) eight.parse(utf8("{\"ts\":0,\"value\":1}"), utf8("123456789"))).reason().code())
                .isEqualTo("bad-key");
    }

    @Test
    void aRecordKeyThatIsNotUtf8IsBadKeyRatherThanMergedIntoAnotherSeries() {
        byte[] json = utf8("{\"ts\":0,\"value\":1}");
        // Decoded leniently, these three would all become "a\uFFFD": one series made of three.
        assertThat(reasonOf(json, new byte[] {'a', (byte) 0xFF})).isEqualTo("bad-key");
        assertThat(reasonOf(json, new byte[] {'a', (byte) 0xFE})).isEqualTo("bad-key");
        assertThat(reasonOf(json, new byte[] {'a', (byte) 0xC3, (byte) 0x28})).isEqualTo("bad-key");
        // An encoded surrogate (CESU-8) and an overlong '/' are not UTF-8 either.
        assertThat(reasonOf(json, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo("bad-key");
        assertThat(reasonOf(json, new byte[] {(byte) 0xC0, (byte) 0xAF})).isEqualTo("bad-key");
        // Real UTF-8 is a key like any other.
        assertThat(accepted(json, utf8("\u6771\u4eac-\ud83d\ude00")).key).isEqualTo("\u6771\u4eac-\ud83d\ude00");
    }

    @Test
    void aLoneSurrogateInTheJsonKeyIsBadKeyAndAPairIsAccepted() {
        assertThat(reasonOf(record("\"a\\ud800\"", "0", "1"))).isEqualTo("bad-key");
        assertThat(reasonOf(record("\"\\udc00a\"", "0", "1"))).isEqualTo("bad-key");
        assertThat(reasonOf(record("\"\\udc00\\ud800\"", "0", "1"))).isEqualTo("bad-key");
        assertThat(accepted(utf8(record("\"\\ud83d\\ude00\"", "0", "1")), null).key).isEqualTo("\ud83d\ude00");
    }

    @Test
    void emptyAndBlankKeysAreNoKeyFromTheJsonAndFromTheRecordKey() {
        assertThat(reasonOf(record("\"\"", "0", "1"))).isEqualTo("no-key");
        assertThat(reasonOf(record("\" \\t\"", "0", "1"))).isEqualTo("no-key");
        assertThat(reasonOf(record("[\"a\"]", "0", "1"))).isEqualTo("no-key");
        assertThat(reasonOf(record("{\"a\":1}", "0", "1"))).isEqualTo("no-key");
        assertThat(reasonOf(utf8("{\"ts\":0,\"value\":1}"), utf8("   "))).isEqualTo("no-key");
        assertThat(reasonOf(utf8("{\"ts\":0,\"value\":1}"), new byte[0])).isEqualTo("no-key");
    }

    // ---- time -----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"-9223372036854775808", "9223372036854775807", "-62135596800001", "253402300800000",
        "\"0000-12-31T23:59:59Z\"", "\"+10000-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\"",
        "\"+999999999-12-31T23:59:59Z\"", "1e999", "1.0", "{\"t\":0}", "[0]", "true"})
    void timesOutsideTheYears0001To9999OrOfTheWrongTypeAreBadTime(String ts) {
        assertThat(reasonOf(record("\"a\"", ts, "1"))).isEqualTo("bad-time");
    }

    @Test
    void theEndsOfTheRangeAreAccepted() {
        assertThat(accepted(utf8(record("\"a\"", "\"0001-01-01T00:00:00Z\"", "1")), null).timestamp)
                .isEqualTo(EventTimeRange.MIN_MILLIS).isEqualTo(-62_135_596_800_000L);
        assertThat(accepted(utf8(record("\"a\"", "\"9999-12-31T23:59:59.999Z\"", "1")), null).timestamp)
                .isEqualTo(EventTimeRange.MAX_MILLIS).isEqualTo(253_402_300_799_999L);
        assertThat(accepted(utf8(record("\"a\"", "-62135596800000", "1")), null).timestamp).isEqualTo(EventTimeRange.MIN_MILLIS);
        assertThat(accepted(utf8(record("\"a\"", "253402300799999", "1")), null).timestamp).isEqualTo(EventTimeRange.MAX_MILLIS);
        // A whole range of accepted times fits in a long twice over: no difference of two overflows.
        assertThat(EventTimeRange.MAX_MILLIS - EventTimeRange.MIN_MILLIS).isLessThan(Long.MAX_VALUE / 2);
    }

    @Test
    void aHugeTimeStringIsBadTimeWithAShortDetail() {
        String huge = "2014-07-01T00:30:00Z" + " ".repeat(1_000_000);
        assertThat(reasonOf(record("\"a\"", "\"" + huge + "\"", "1"))).isEqualTo("bad-time");
    }

    // ---- encoding -------------------------------------------------------------------------------

    private static final String GOOD = record("\"station-7\"", "\"2014-07-01T00:30:00Z\"", "8127");

    @Test
    void aGoodRecordInUtf16OrUtf32IsNotJsonThoughJacksonCouldReadIt() {
        for (Charset charset : new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16, Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"), Charset.forName("UTF-32")}) {
            ParseResult r = parse(GOOD.getBytes(charset), null);
            assertThat(r).as(charset.name()).isInstanceOf(ParseResult.Rejected.class);
            assertThat(((ParseResult.Rejected) r).reason().code()).as(charset.name()).isEqualTo("not-json");
            assertThat(((ParseResult.Rejected) r).detail()).as(charset.name()).contains("UTF-8");
        }
    }

    @Test
    void aByteOrderMarkIsNotJsonEvenInUtf8() {
        ByteArrayOutputStream withBom = new ByteArrayOutputStream();
        withBom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        withBom.writeBytes(utf8(GOOD));
        assertThat(reasonOf(withBom.toByteArray(), null)).isEqualTo("not-json");
        assertThat(accepted(utf8(GOOD), null).key).isEqualTo("station-7");
    }

    @Test
    void malformedUtf8InsideAStringIsNotJson() {
        String[] bad = {"\"\u00ff\"", "\"\u00c0\u00af\"", "\"\u00ed\u00a0\u0080\"", "\"\u00f4\u0090\u0080\u0080\"",
            "\"\u00f0\u009f\u0098\""};
        for (String latin1 : bad) {
            // Latin-1 maps chars 0..255 to the same bytes: these are the raw byte sequences.
            byte[] raw = ("{\"key\":\"a\",\"ts\":0,\"value\":1,\"x\":" + latin1 + "}").getBytes(StandardCharsets.ISO_8859_1);
            assertThat(reasonOf(raw, null)).as(latin1).isEqualTo("not-json");
        }
        byte[] cutOff = "{\"key\":\"a\",\"ts\":0,\"value\":1}\u00e2\u0082".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(reasonOf(cutOff, null)).isEqualTo("not-json");
    }

    // ---- sizes and shapes -----------------------------------------------------------------------

    @Test
    void nesting10000DeepIsNotJsonAnd500DeepInAnUnknownFieldIsIgnored() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"value\":1,\"x\":" + deep + "}")).isEqualTo("not-json");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"value\":" + deep + "}")).isEqualTo("not-json");
        String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"value\":1,\"x\":" + objects + "}")).isEqualTo("not-json");
        String shallow = "[".repeat(500) + "]".repeat(500);
        assertThat(accepted(utf8("{\"key\":\"a\",\"ts\":0,\"value\":1,\"x\":" + shallow + "}"), null).values)
                .containsExactly(1f);
    }

    @Test
    void aOneMegabyteStringIsBadValueInTheValueAndIgnoredElsewhere() {
        String mb = "x".repeat(1_000_000);
        assertThat(reasonOf(record("\"a\"", "0", "\"" + mb + "\""))).isEqualTo("bad-value");
        assertThat(accepted(utf8("{\"key\":\"a\",\"ts\":0,\"value\":1,\"note\":\"" + mb + "\"}"), null).values)
                .containsExactly(1f);
        assertThat(reasonOf(record("\"" + mb + "\"", "0", "1"))).isEqualTo("bad-key");
    }

    @Test
    void nonFiniteAndOversizedNumbersAreRejected() {
        assertThat(reasonOf(record("\"a\"", "0", "NaN"))).isEqualTo("not-json");
        assertThat(reasonOf(record("\"a\"", "0", "-Infinity"))).isEqualTo("not-json");
        assertThat(reasonOf(record("\"a\"", "0", "1e999"))).isEqualTo("bad-value");
        assertThat(reasonOf(record("\"a\"", "0", "-1e999"))).isEqualTo("bad-value");
        assertThat(reasonOf(record("\"a\"", "0", "3.5e38"))).isEqualTo("bad-value");
        assertThat(reasonOf(record("\"a\"", "0", "9".repeat(2_000)))).isEqualTo("not-json");
        assertThat(reasonOf(record("\"a\"", "9".repeat(2_000), "1"))).isEqualTo("not-json");
        assertThat(accepted(utf8(record("\"a\"", "0", "1e-999")), null).values).containsExactly(0f);
    }

    @Test
    void wrongTypesAndDuplicatesAreRejectedWithTheirReason() {
        assertThat(reasonOf(record("\"a\"", "0", "{\"v\":1}"))).isEqualTo("bad-value");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"values\":[[1]]}")).isEqualTo("bad-value");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"values\":{\"0\":1}}")).isEqualTo("bad-value");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"ts\":1,\"value\":1}")).isEqualTo("not-json");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"value\":1,\"x\":{\"y\":1,\"y\":2}}")).isEqualTo("not-json");
        assertThat(reasonOf("{\"key\":\"a\",\"ts\":0,\"values\":[1,2,3,4]}")).isEqualTo("feature-count");
        assertThat(reasonOf("{}")).isEqualTo("no-key");
        assertThat(reasonOf("null")).isEqualTo("not-json");
        assertThat(reasonOf("\"just a string\"")).isEqualTo("not-json");
    }

    @Test
    void aBadKeyDetailNeverEchoesALoneSurrogate() {
        ParseResult.Rejected r = (ParseResult.Rejected) parse(utf8(record("\"a\\ud800\"", "0", "1")), null);
        assertThat(r.detail().chars().anyMatch(c -> Character.isSurrogate((char) c))).isFalse();
    }
}
