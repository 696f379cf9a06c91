package io.btspeed.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void parsesPlainAndSuffixedSizes() {
        assertThat(Sizes.parse("1048576")).isEqualTo(1_048_576L);
        assertThat(Sizes.parse("512K")).isEqualTo(512 * 1024L);
        assertThat(Sizes.parse("10M")).isEqualTo(10L << 20);
        assertThat(Sizes.parse("1.5G")).isEqualTo(3L << 29);
        assertThat(Sizes.parse("2MiB/s")).isEqualTo(2L << 20);
        assertThat(Sizes.parse("0")).isZero();
    }

    @Test
    void rejectsWhatIsNotASize() {
        assertThatThrownBy(() -> Sizes.parse("-1M")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Sizes.parse("abc")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("0.3")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Sizes.parse("99999999999T")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Sizes.parse(" ")).hasMessageContaining("empty");
    }

    @Test
    void formatsForHumans() {
        assertThat(Sizes.format(512)).isEqualTo("512 B");
        assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
        assertThat(Sizes.format(300L << 20)).isEqualTo("300 MiB");
        assertThat(Sizes.formatDuration(3725)).isEqualTo("1h02m");
        assertThat(Sizes.formatDuration(65)).isEqualTo("1m05s");
        assertThat(Sizes.formatDuration(-1)).isEqualTo("--");
    }

    @Test
    void progressLineShowsPercentRateEtaAndPeers() {
        String line = Progress.render(new Progress.Snapshot("demo", 50L << 20, 100L << 20, 10L << 20, 3, null), true);
        assertThat(line).contains("50.0%").contains("10.0 MiB/s").contains("ETA 5s").contains("peers 3").contains("[##############..............]");
    }
}
