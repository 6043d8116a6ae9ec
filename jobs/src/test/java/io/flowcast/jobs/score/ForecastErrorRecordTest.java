package io.flowcast.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcast.jobs.testing.PublishedSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The forecast-errors record: its published schema (docs/schemas) and the code agree, and its JSON
 * and its Flink serializer give back what was written.
 */
class ForecastErrorRecordTest {

    private static final String SCHEMA = "forecast-errors.schema.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ForecastError BANDED = new ForecastError("Dongsi", 1362114000000L, 1362121200000L, 2, 10.5f,
            12f, 8f, 13f, 3, 9f, new RollingErrors(2, 1.25f, 1.5f, 0.11f, 2.5f, 3f, 0.22f, 1f), null);
    private static final ForecastError FLAGGED = new ForecastError("a\"b\\c\n\u0001é 北京 <img src=x>", 1362114000000L, 1362117600000L, 1, 9f,
            30f, Float.NaN, Float.NaN, 4, 9f, new RollingErrors(40, 1.5f, 1.9f, 0.13f, 1.75f, 2.2f, 0.15f, Float.NaN),
            new Anomaly(true, 1.5f, 3.1f, 14.9f));
    private static final ForecastError PLAIN = new ForecastError("Dongsi", 1362114000000L, 1362117600000L, 1, 9f, 11f,
            Float.NaN, Float.NaN, 0, Float.NaN, RollingErrors.NONE, null);

    @Test
    void theSchemasOwnExamplesAreValid() {
        JsonNode examples = PublishedSchemas.schemaDocument(SCHEMA).get("examples");
        assertThat(examples).isNotEmpty();
        for (JsonNode example : examples) {
            assertThat(PublishedSchemas.schema(SCHEMA).validate(example)).as(example.toString()).isEmpty();
        }
    }

    @Test
    void recordsAsWrittenMatchTheSchemaWithAndWithoutBandsAndReadBack() throws IOException {
        for (ForecastError e : new ForecastError[] {BANDED, PLAIN, FLAGGED}) {
            byte[] json = ForecastErrorJson.write(e);
            assertThat(PublishedSchemas.validate(SCHEMA, json)).as(new String(json, StandardCharsets.UTF_8)).isEmpty();
            assertThat(ForecastErrorJson.read(json)).isEqualTo(e);
        }
        JsonNode banded = MAPPER.readTree(ForecastErrorJson.write(BANDED));
        assertThat(banded.get("inside").booleanValue()).isTrue();
        assertThat(banded.get("originTs").textValue()).isEqualTo("2013-03-01T05:00:00Z");
        assertThat(banded.get("targetTs").textValue()).isEqualTo("2013-03-01T07:00:00Z");
        JsonNode plain = MAPPER.readTree(ForecastErrorJson.write(PLAIN));
        assertThat(plain.get("inside").isNull()).isTrue();
        assertThat(plain.get("p10").isNull()).isTrue();
        assertThat(plain.get("mae").isNull()).isTrue();
        assertThat(plain.get("anomaly").isNull()).isTrue();
        JsonNode flagged = MAPPER.readTree(ForecastErrorJson.write(FLAGGED));
        assertThat(flagged.get("key").textValue()).as("quotes, backslashes, controls, non-ASCII escaped")
                .isEqualTo("a\"b\\c\n\u0001é 北京 <img src=x>");
        assertThat(flagged.get("anomaly").booleanValue()).isTrue();
        assertThat(flagged.get("anomalyScore").floatValue()).isEqualTo(1.5f);
        assertThat(flagged.get("coverage").isNull()).isTrue();
    }

    @Test
    void anUndocumentedFieldOrAMissingActualFailsTheSchema() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode n =
                (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(ForecastErrorJson.write(BANDED));
        n.put("x", 1);
        assertThat(PublishedSchemas.validate(SCHEMA, MAPPER.writeValueAsBytes(n))).isNotEmpty();
        n.remove("x");
        n.putNull("actual");
        assertThat(PublishedSchemas.validate(SCHEMA, MAPPER.writeValueAsBytes(n))).isNotEmpty();
    }

    @Test
    void theFlinkSerializerRoundTripsEveryField() throws IOException {
        for (ForecastError e : new ForecastError[] {BANDED, PLAIN, FLAGGED}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            ForecastErrorSerializer.INSTANCE.serialize(e, out);
            assertThat(ForecastErrorSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .isEqualTo(e);
        }
        ForecastError outside = new ForecastError("k", 0, 1, 1, 5f, 14f, 8f, 13f, 1, 5f, RollingErrors.NONE, null);
        assertThat(outside.inside()).isFalse();
    }
}
