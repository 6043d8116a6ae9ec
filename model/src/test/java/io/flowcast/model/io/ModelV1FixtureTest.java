package io.flowcast.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcast.model.CellType;
import io.flowcast.model.NetConfig;
import io.flowcast.model.features.StreamingScaler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code model-v1.fcst} stands for a file written by an older release: it must keep loading, with
 * these exact contents, however the format evolves. Never regenerate it.
 *
 * <p>It was written once by the version-1 writer from
 * {@code RecurrentNet.initialized(new NetConfig(GRU, 2, 3, 1, 1), 20140701L)}, metadata
 * {@code name=fixture-gru, model_version=1, trained_until=2014-07-01T00:30:00Z}, and a
 * {@code StreamingScaler(2)} updated with (1, 10), (2, 10), (3, 10), (4, 10). The expected values
 * below are stated, not recomputed, so a change to the initialiser cannot hide a reader regression.
 */
class ModelV1FixtureTest {

    private static final String PARAMETERS_SHA256 = "5c15cdb6f9bba9c8b170e1c377cbf40bd4fc820575668d5897d10b036caba148";

    private static byte[] fixture() throws IOException {
        try (InputStream in = ModelV1FixtureTest.class.getResourceAsStream("model-v1.fcst")) {
            return in.readAllBytes();
        }
    }

    @Test
    void olderReleaseFileLoadsWithItsExactContents() throws Exception {
        byte[] bytes = fixture();
        assertEquals(458, bytes.length);
        SavedModel model = WeightFormat.fromBytes(bytes);

        assertEquals(new NetConfig(CellType.GRU, 2, 3, 1, 1), model.config());
        assertEquals(Map.of("name", "fixture-gru", "model_version", "1", "trained_until", "2014-07-01T00:30:00Z"),
                model.metadata());

        float[] p = model.net().parameters();
        assertEquals(67, p.length);
        assertEquals(0xbed1ce62, Float.floatToRawIntBits(p[0]));   // -0.4097777
        assertEquals(0xbdbbee83, Float.floatToRawIntBits(p[33]));  // -0.09176352
        assertEquals(0xbe3cd510, Float.floatToRawIntBits(p[66]));  // -0.18440652, head.bias
        assertEquals(PARAMETERS_SHA256, sha256LittleEndian(p));

        StreamingScaler scaler = model.scaler();
        assertEquals(2, scaler.features());
        assertEquals(4, scaler.count());
        assertEquals(2, scaler.minCount());
        assertEquals(1e-6, scaler.minStd(), 0.0);
        assertEquals(2.5, scaler.mean(0), 0.0);
        assertEquals(5.0, scaler.sumSquaredDeviations(0), 0.0);
        assertEquals(10.0, scaler.mean(1), 0.0);
        assertEquals(0.0, scaler.sumSquaredDeviations(1), 0.0);
    }

    @Test
    void fixtureRunsThroughTheNetwork() throws Exception {
        SavedModel model = WeightFormat.fromBytes(fixture());
        float[] state = model.net().newState();
        float[] out = new float[1];
        model.net().step(state, new float[] {0.5f, -1f}, out);
        assertTrue(Float.isFinite(out[0]) && out[0] != 0f, "output " + out[0]);
    }

    /**
     * While version 1 is current, today's writer must produce the fixture byte for byte: the
     * format did not drift without a version bump. When CURRENT_VERSION moves on, commit a
     * model-vN fixture, point this check at it, and keep the load test above for v1.
     */
    @Test
    void currentWriterReproducesTheFixtureWhileVersionOneIsCurrent() throws Exception {
        assertEquals(1, WeightFormat.CURRENT_VERSION,
                "format version bumped: commit a fixture of the new version and move this check to it");
        byte[] bytes = fixture();
        assertArrayEquals(bytes, WeightFormat.toBytes(WeightFormat.fromBytes(bytes)));
    }

    private static String sha256LittleEndian(float[] p) throws NoSuchAlgorithmException {
        ByteBuffer b = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(p);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    }
}
