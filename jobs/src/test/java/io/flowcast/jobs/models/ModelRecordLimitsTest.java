package io.flowcast.jobs.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The trainer's check before it emits a model record: what the {@code models} topic takes passes, more does not. */
class ModelRecordLimitsTest {

    @Test
    void aRecordUpToTheLimitPassesAndOneByteMoreIsRefusedSayingHowToChangeTheLimit() {
        String name = "flowcast";
        int largest = ModelRecordLimits.MAX_RECORD_BYTES - ModelRecordLimits.FRAMING_BYTES - name.length();
        ModelRecord fits = new ModelRecord(name, 3, 1_000L, new byte[largest]);
        assertThat(ModelRecordLimits.recordBytes(fits)).isEqualTo(ModelRecordLimits.MAX_RECORD_BYTES);
        ModelRecordLimits.check(fits);

        ModelRecord tooLarge = new ModelRecord(name, 4, 2_000L, new byte[largest + 1]);
        assertThatThrownBy(() -> ModelRecordLimits.check(tooLarge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flowcast v4")
                .hasMessageContaining(String.format(Locale.ROOT, "limit of %,d bytes", ModelRecordLimits.MAX_RECORD_BYTES))
                .hasMessageContaining("ModelRecordLimits.MAX_RECORD_BYTES")
                .hasMessageContaining("max.message.bytes")
                .hasMessageContaining("hidden");
    }

    @Test
    void aRecordWithoutNameOrPayloadIsNotTheLimitsBusiness() {
        // The forecaster rejects those (ModelRecordCheck); the check must not throw anything else on them.
        ModelRecordLimits.check(new ModelRecord(null, -1, Long.MIN_VALUE, null));
        ModelRecordLimits.check(new ModelRecord());
    }
}
