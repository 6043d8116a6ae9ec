package io.flowcast.jobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DashboardRecordsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aForecastWithoutOptionalFieldsReadsWithThemAbsent() {
        var f = DashboardRecords.forecast(utf8("{\"key\":\"k\",\"ts\":\"x\",\"eventTime\":5,\"modelVersion\":2,"
                + "\"values\":[1.5,null],\"emittedAt\":9,\"unknown\":{\"a\":1}}")).orElseThrow();
        assertThat(f.key()).isEqualTo("k");
        assertThat(f.value().eventTime()).isEqualTo(5);
        assertThat(f.value().observed()).isNaN();
        assertThat(f.value().forecast(1)).isEqualTo(1.5);
        assertThat(f.value().forecast(2)).isNaN();
        assertThat(f.value().p10()).isNull();
    }

    @Test
    void aForecastWithObservedAndBandReadsThem() {
        var f = DashboardRecords.forecast(utf8("{\"key\":\"k\",\"eventTime\":5,\"values\":[1,2],\"p10\":[0,1],"
                + "\"p90\":[2,3],\"observed\":7.25}")).orElseThrow().value();
        assertThat(f.observed()).isEqualTo(7.25);
        assertThat(f.low(2)).isEqualTo(1);
        assertThat(f.high(2)).isEqualTo(3);
        assertThat(f.modelVersion()).isZero();
        // A band of another length than the fan is not the fan's: dropped.
        var odd = DashboardRecords.forecast(utf8("{\"key\":\"k\",\"eventTime\":5,\"values\":[1,2],\"p10\":[0]}"))
                .orElseThrow().value();
        assertThat(odd.p10()).isNull();
    }

    @Test
    void anErrorRecordReadsTheNewFieldsWhenPresentAndNullsAsAbsent() {
        var e = DashboardRecords.error(utf8("{\"key\":\"k\",\"originTime\":1,\"targetTime\":2,\"horizon\":1,"
                + "\"forecast\":3,\"actual\":4,\"p10\":null,\"inside\":null,\"modelVersion\":3,\"mae\":0.5,"
                + "\"persistenceMae\":null,\"coverage\":0.8,\"anomaly\":true,\"anomalyScore\":2.5,\"anomalyLow\":1,"
                + "\"anomalyHigh\":2}")).orElseThrow().value();
        assertThat(e.isAnomaly()).isTrue();
        assertThat(e.anomalyScore()).isEqualTo(2.5);
        assertThat(e.persistenceMae()).isNaN();
        assertThat(e.coverage()).isEqualTo(0.8);
        assertThat(e.inside()).isNull();
        var plain = DashboardRecords.error(utf8("{\"key\":\"k\",\"targetTime\":2,\"horizon\":2,\"anomaly\":null}"))
                .orElseThrow().value();
        assertThat(plain.anomaly()).isNull();
        assertThat(plain.isAnomaly()).isFalse();
    }

    @Test
    void unusableRecordsAreRefusedNotThrown() {
        assertThat(DashboardRecords.forecast(null)).isEmpty();
        assertThat(DashboardRecords.forecast(utf8("not json"))).isEmpty();
        assertThat(DashboardRecords.forecast(utf8("[1,2]"))).isEmpty();
        assertThat(DashboardRecords.forecast(utf8("{\"key\":\"k\",\"values\":[1]}"))).isEmpty();
        assertThat(DashboardRecords.forecast(utf8("{\"key\":1,\"eventTime\":1,\"values\":[1]}"))).isEmpty();
        assertThat(DashboardRecords.error(utf8("{\"key\":\"k\",\"targetTime\":2,\"horizon\":0}"))).isEmpty();
        assertThat(DashboardRecords.error(utf8("{\"key\":\"k\",\"horizon\":1}"))).isEmpty();
    }
}
