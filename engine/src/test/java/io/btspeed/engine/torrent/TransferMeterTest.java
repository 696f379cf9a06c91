package io.btspeed.engine.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransferMeterTest {
    static final long S = 1_000_000_000L;

    @Test
    void steadyTrafficReadsAsItsRateAndBytesBeforeTheFirstSampleAreNoBurst() {
        TransferMeter m = new TransferMeter();
        m.add(500_000); // arrived at some unknown time before the first tick
        m.sample(10 * S);
        assertThat(m.rate()).isZero();
        for (int s = 1; s <= 8; s++) {
            m.add(1_000_000);
            m.sample((10 + s) * S);
            // one-second lumps in a 5 s window: at most one slot's worth (5 %) high
            assertThat(m.rate()).as("after %d s", s).isBetween(1_000_000L, 1_060_000L);
        }
        assertThat(m.total()).isEqualTo(8_500_000);
    }

    @Test
    void rateFallsToZeroOnceTrafficStopsForTheWholeWindow() {
        TransferMeter m = new TransferMeter();
        m.sample(0);
        m.add(3_000_000);
        m.sample(S);
        assertThat(m.rate()).isEqualTo(3_000_000);
        for (int s = 2; s <= 7; s++) m.sample(s * S);
        assertThat(m.rate()).isZero();
    }
}
