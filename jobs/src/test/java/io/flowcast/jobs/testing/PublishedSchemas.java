package io.flowcast.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The JSON Schemas published in docs/schemas, with format assertions on (date-time is checked). */
public final class PublishedSchemas {

    public static final String OBSERVATIONS = "observations.schema.json";
    public static final String FORECASTS = "forecasts.schema.json";
    public static final String DEAD_LETTERS = "dead-letters.schema.json";
    public static final String FORECAST_ERRORS = "forecast-errors.schema.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Tests run in jobs/; the docs sit at the clone's root. */
    private static final Path DIR = Path.of("..", "docs", "schemas");
    private static final Map<String, JsonSchema> LOADED = new ConcurrentHashMap<>();

    private PublishedSchemas() {
    }

    public static JsonNode schemaDocument(String file) {
        try {
            return MAPPER.readTree(Files.readAllBytes(DIR.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonSchema schema(String file) {
        return LOADED.computeIfAbsent(file, f -> JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(schemaDocument(f), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The schema violations of {@code json}; empty when valid. */
    public static Set<ValidationMessage> validate(String file, byte[] json) {
        try {
            return schema(file).validate(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
