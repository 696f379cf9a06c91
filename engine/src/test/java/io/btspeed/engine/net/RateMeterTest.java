package io.btspeed.engine.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateMeterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void steadyRateIsReportedAlsoAfterTheWindowWrapsAround() {
        RateMeter m = new RateMeter();
        m.sample(0);
        for (int i = 1; i <= 12; i++) {
            m.add(1000);
            m.sample(i * S);
            assertThat(m.rate()).as("after %d s", i).isEqualTo(1000);
        }
        assertThat(m.total()).isEqualTo(12_000);
    }

    @Test
    void rateFallsToZeroWhenTrafficStopsForTheWholeWindow() {
        RateMeter m = new RateMeter();
        m.sample(0);
        m.add(5000);
        m.sample(S);
        assertThat(m.rate()).isEqualTo(5000);
        for (int i = 2; i <= 7; i++) m.sample(i * S);
        assertThat(m.rate()).isZero();
    }
}
