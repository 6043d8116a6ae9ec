package io.flowcast.jobs.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {

    @Test
    void anExplicitFolderMustExist(@TempDir Path dir) {
        assertThat(DataFolder.locate(dir)).isEqualTo(dir.toAbsolutePath().normalize());
        assertThatThrownBy(() -> DataFolder.locate(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--data")
                .hasMessageContaining("no such folder");
    }

    @Test
    void theDefaultIsFoundBesideTheClone() {
        // Tests run in jobs/: ../shared/data is not there, but the build output sits inside the clone,
        // whose sibling is shared/.
        Path found = DataFolder.locate(null);
        assertThat(found.resolve("beijing_air")).isDirectory();
    }
}
