package io.flowcast.jobs.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.flowcast.jobs.ingest.ObservationParser;
import io.flowcast.jobs.ingest.ParseResult;
import io.flowcast.jobs.records.DeadLetter;
import io.flowcast.jobs.records.Forecast;
import io.flowcast.jobs.testing.PublishedSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published schemas (docs/schemas) and the code must agree: what the job writes validates, the
 * schemas' own examples validate, and the parser accepts what the observation schema allows.
 */
class RecordSchemasTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonSchema schema(String file) {
        return PublishedSchemas.schema(file);
    }

    private static Set<ValidationMessage> validate(String file, byte[] json) {
        return PublishedSchemas.validate(file, json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"observations.schema.json", "forecasts.schema.json", "dead-letters.schema.json"})
    void theSchemasOwnExamplesAreValid(String file) throws IOException {
        JsonNode examples = PublishedSchemas.schemaDocument(file).get("examples");
        assertThat(examples).isNotEmpty();
        for (JsonNode example : examples) {
            assertThat(schema(file).validate(example)).as(example.toString()).isEmpty();
        }
    }

    @Test
    void forecastsAsWrittenMatchTheSchemaWithAndWithoutBands() throws IOException {
        Forecast f = new Forecast();
        f.key = "Dongsi";
        f.eventTime = 1362114000000L;
        f.modelVersion = 0;
        f.values = new float[] {9f, Float.NaN, 9.5f};
        f.emittedAt = 1763928000000L;
        assertThat(validate("forecasts.schema.json", ForecastJson.write(f))).isEmpty();
        f.p10 = new float[] {8f, 8f, 8f};
        f.p90 = new float[] {10f, 10f, 10f};
        assertThat(validate("forecasts.schema.json", ForecastJson.write(f))).isEmpty();

        Forecast back = ForecastJson.read(ForecastJson.write(f));
        assertThat(back.key).isEqualTo("Dongsi");
        assertThat(back.eventTime).isEqualTo(f.eventTime);
        assertThat(back.values).containsExactly(9f, Float.NaN, 9.5f);
        assertThat(back.p90).containsExactly(10f, 10f, 10f);
        assertThat(MAPPER.readTree(ForecastJson.write(f)).get("ts").textValue()).isEqualTo("2013-03-01T05:00:00Z");
    }

    @Test
    void deadLettersAsWrittenMatchTheSchemaAndRoundTrip() throws IOException {
        DeadLetter d = new DeadLetter("eyJrZXkiOiJhIn0=", "observations", 1, 42, "no-key", "no \"key\"");
        assertThat(validate("dead-letters.schema.json", DeadLetterJson.write(d))).isEmpty();
        assertThat(DeadLetterJson.read(DeadLetterJson.write(d))).isEqualTo(d);
        DeadLetter tombstone = new DeadLetter(null, "observations", 0, 7, "not-json", "record has no value (tombstone)");
        assertThat(validate("dead-letters.schema.json", DeadLetterJson.write(tombstone))).isEmpty();
        assertThat(DeadLetterJson.read(DeadLetterJson.write(tombstone))).isEqualTo(tombstone);

        JsonNode written = MAPPER.readTree(DeadLetterJson.write(d));
        assertThat(written.get("rawSize").intValue()).isEqualTo(11);
        assertThat(written.get("rawTruncated").booleanValue()).isFalse();
        DeadLetter cut = DeadLetter.of(new byte[DeadLetter.MAX_RAW_BYTES + 1], "observations", 0, 8, "not-json", "x");
        assertThat(validate("dead-letters.schema.json", DeadLetterJson.write(cut))).isEmpty();
        assertThat(DeadLetterJson.read(DeadLetterJson.write(cut))).isEqualTo(cut);
        assertThat(cut.rawTruncated).isTrue();
    }

    @Test
    void deadLettersWrittenBeforeTheBoundsAreStillRead() throws IOException {
        byte[] old = ("{\"reason\":\"no-key\",\"detail\":\"d\",\"topic\":\"observations\",\"partition\":1,"
                + "\"offset\":42,\"rawBase64\":\"eyJrZXkiOiJhIn0=\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(validate("dead-letters.schema.json", old)).isEmpty();
        DeadLetter d = DeadLetterJson.read(old);
        assertThat(d.rawSize).isEqualTo(11);
        assertThat(d.rawTruncated).isFalse();
    }

    @Test
    void anUndocumentedForecastFieldFailsTheSchema() throws IOException {
        byte[] extra = "{\"key\":\"a\",\"ts\":\"2013-03-01T05:00:00Z\",\"eventTime\":0,\"modelVersion\":0,\"values\":[1],\"emittedAt\":0,\"x\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(validate("forecasts.schema.json", extra)).isNotEmpty();
    }

    @Test
    void theFeedersObservationsMatchTheSchemaAndParse() throws IOException {
        byte[] present = ObservationJson.write("Dongsi", Instant.parse("2013-02-28T16:00:00Z"), 9.0);
        byte[] missing = ObservationJson.write("Dongsi", Instant.parse("2013-02-28T17:00:00Z"), null);
        assertThat(new String(present, StandardCharsets.UTF_8))
                .isEqualTo("{\"key\":\"Dongsi\",\"ts\":\"2013-02-28T16:00:00Z\",\"value\":9}");
        assertThat(new String(ObservationJson.write("k", Instant.EPOCH, 2.5), StandardCharsets.UTF_8)).contains("\"value\":2.5");
        for (byte[] json : new byte[][] {present, missing}) {
            assertThat(validate("observations.schema.json", json)).isEmpty();
            assertThat(new ObservationParser(1).parse(json, null)).isInstanceOf(ParseResult.Accepted.class);
        }
    }

    /** Inputs on which the schema and the parser (1 feature) must agree. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"key\":\"a\",\"ts\":\"2014-07-01T00:30:00Z\",\"value\":1}",
        "{\"key\":\"a\",\"ts\":\"2014-07-01T08:30:00+08:00\",\"value\":null}",
        "{\"key\":\"a\",\"ts\":1404174600000,\"values\":[1.5]}",
        "{\"key\":\"a\",\"ts\":0,\"value\":1,\"extra\":true}",
        "[1,2]",
        "{\"key\":\"\",\"ts\":0,\"value\":1}",
        "{\"key\":7,\"ts\":0,\"value\":1}",
        "{\"key\":\"a\",\"value\":1}",
        "{\"key\":\"a\",\"ts\":1.5,\"value\":1}",
        "{\"key\":\"a\",\"ts\":\"2014-07-01 00:30:00\",\"value\":1}",
        "{\"key\":\"a\",\"ts\":0}",
        "{\"key\":\"a\",\"ts\":0,\"value\":\"12\"}",
        "{\"key\":\"a\",\"ts\":0,\"value\":\"Infinity\"}",
        "{\"key\":\"a\",\"ts\":0,\"value\":1,\"values\":[1]}",
        "{\"key\":\"a\",\"ts\":0,\"values\":[]}",
    })
    void schemaAndParserAgree(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        boolean schemaValid = validate("observations.schema.json", bytes).isEmpty();
        boolean parsed = new ObservationParser(1).parse(bytes, null) instanceof ParseResult.Accepted;
        assertThat(schemaValid).as("schema valid == parser accepts").isEqualTo(parsed);
    }
}
