package io.flowcast.jobs.ingest;

import io.flowcast.jobs.records.RejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowcast.jobs.records.Observation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObservationParserTest {

    private final ObservationParser univariate = new ObservationParser(1);
    private final ObservationParser threeFeatures = new ObservationParser(3);

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private Observation accepted(ObservationParser parser, String json, String recordKey) {
        ParseResult r = parser.parse(bytes(json), bytes(recordKey));
        assertThat(r).isInstanceOf(ParseResult.Accepted.class);
        return ((ParseResult.Accepted) r).observation();
    }

    private ParseResult.Rejected rejected(ObservationParser parser, String json, String recordKey) {
        ParseResult r = parser.parse(bytes(json), bytes(recordKey));
        assertThat(r).isInstanceOf(ParseResult.Rejected.class);
        return (ParseResult.Rejected) r;
    }

    @Test
    void acceptsAnIsoInstantAndASingleValue() {
        Observation o = accepted(univariate, "{\"key\":\"station-7\",\"ts\":\"2014-07-01T00:30:00Z\",\"value\":8127}", null);
        assertThat(o.key).isEqualTo("station-7");
        assertThat(o.timestamp).isEqualTo(1404174600000L);
        assertThat(o.rawTimestamp).isEqualTo("2014-07-01T00:30:00Z");
        assertThat(o.values).containsExactly(8127f);
    }

    @Test
    void acceptsEpochMillisAndAnOffsetTime() {
        Observation millis = accepted(univariate, "{\"key\":\"a\",\"ts\":1404174600000,\"value\":1.5}", null);
        assertThat(millis.timestamp).isEqualTo(1404174600000L);
        assertThat(millis.rawTimestamp).isEqualTo("1404174600000");
        Observation offset = accepted(univariate, "{\"key\":\"a\",\"ts\":\"2014-07-01T08:30:00+08:00\",\"value\":1}", null);
        assertThat(offset.timestamp).isEqualTo(1404174600000L);
    }

    @Test
    void nullValueIsMissingAndPassesOnAsNaN() {
        Observation o = accepted(univariate, "{\"key\":\"a\",\"ts\":0,\"value\":null}", null);
        assertThat(o.values).hasSize(1);
        assertThat(Float.isNaN(o.values[0])).isTrue();
        Observation many = accepted(threeFeatures, "{\"key\":\"a\",\"ts\":0,\"values\":[1,null,-2.5]}", null);
        assertThat(many.values[0]).isEqualTo(1f);
        assertThat(Float.isNaN(many.values[1])).isTrue();
        assertThat(many.values[2]).isEqualTo(-2.5f);
    }

    @Test
    void theRecordKeyIsTheSeriesKeyOnlyWhenTheJsonHasNone() {
        assertThat(accepted(univariate, "{\"ts\":0,\"value\":1}", "from-record").key).isEqualTo("from-record");
        assertThat(accepted(univariate, "{\"key\":null,\"ts\":0,\"value\":1}", "from-record").key).isEqualTo("from-record");
        assertThat(accepted(univariate, "{\"key\":\"from-json\",\"ts\":0,\"value\":1}", "from-record").key)
                .isEqualTo("from-json");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(accepted(univariate, "{\"key\":\"a\",\"ts\":0,\"value\":1,\"unit\":\"ug/m3\"}", null).values)
                .containsExactly(1f);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL | not-json",
        "'' | not-json",
        "'   ' | not-json",
        "hello | not-json",
        "'{\"key\":\"a\",\"ts\":0,\"value\":1' | not-json",
        "'[1,2,3]' | not-json",
        "'42' | not-json",
        "'{\"key\":\"a\",\"ts\":0,\"value\":1} trailing' | not-json",
        "'{\"key\":\"a\",\"key\":\"b\",\"ts\":0,\"value\":1}' | not-json",
        "'{\"key\":\"a\",\"ts\":0,\"value\":Infinity}' | not-json",
        "'{\"key\":\"a\",\"ts\":0,\"value\":NaN}' | not-json",
        "'{\"ts\":0,\"value\":1}' | no-key",
        "'{\"key\":\"\",\"ts\":0,\"value\":1}' | no-key",
        "'{\"key\":\"  \",\"ts\":0,\"value\":1}' | no-key",
        "'{\"key\":7,\"ts\":0,\"value\":1}' | no-key",
        "'{\"key\":\"a\",\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":null,\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":\"2014-07-01 00:30:00\",\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":\"2014-07-01T00:30:00\",\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":\"yesterday\",\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":1.5,\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":99999999999999999999999,\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":\"+999999999-12-31T23:59:59Z\",\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":true,\"value\":1}' | bad-time",
        "'{\"key\":\"a\",\"ts\":0}' | no-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":\"12\"}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":\"Infinity\"}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":1e300}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":1e400}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":true}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":[1]}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"values\":1}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"values\":[\"1\"]}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"value\":1,\"values\":[1]}' | bad-value",
        "'{\"key\":\"a\",\"ts\":0,\"values\":[]}' | feature-count",
        "'{\"key\":\"a\",\"ts\":0,\"values\":[1,2]}' | feature-count",
    })
    void rejectsWithAStableReason(String json, String reason) {
        ParseResult.Rejected r = rejected(univariate, json, null);
        assertThat(r.reason().code()).isEqualTo(reason);
        assertThat(r.detail()).isNotBlank();
    }

    @Test
    void checksRunInDocumentedOrderSoTheFirstProblemIsReported() {
        // No key AND no time AND a string value: the key is checked first.
        assertThat(rejected(univariate, "{\"value\":\"x\"}", null).reason()).isEqualTo(RejectReason.NO_KEY);
        // Time before value.
        assertThat(rejected(univariate, "{\"key\":\"a\",\"value\":\"x\"}", null).reason()).isEqualTo(RejectReason.BAD_TIME);
    }

    @Test
    void featureCountFollowsTheConfiguredNumberOfFeatures() {
        assertThat(rejected(threeFeatures, "{\"key\":\"a\",\"ts\":0,\"value\":1}", null).reason())
                .isEqualTo(RejectReason.FEATURE_COUNT);
        assertThat(rejected(threeFeatures, "{\"key\":\"a\",\"ts\":0,\"values\":[1,2]}", null).reason())
                .isEqualTo(RejectReason.FEATURE_COUNT);
        assertThat(rejected(threeFeatures, "{\"key\":\"a\",\"ts\":0,\"values\":[1,2,\"3\"]}", null).detail())
                .contains("[2]");
    }

    @Test
    void detailQuotesOnlyAShortExcerptOfTheInput() {
        String longString = "x".repeat(10_000);
        ParseResult.Rejected r = rejected(univariate, "{\"key\":\"a\",\"ts\":0,\"value\":\"" + longString + "\"}", null);
        assertThat(r.detail().length()).isLessThan(200);
    }

    @Test
    void invalidUtf8IsNotJsonRatherThanAnException() {
        ParseResult r = univariate.parse(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, null);
        assertThat(((ParseResult.Rejected) r).reason()).isEqualTo(RejectReason.NOT_JSON);
    }

    @Test
    void refusesANonsensicalFeatureCount() {
        assertThatThrownBy(() -> new ObservationParser(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
