package io.btspeed.core.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateTest {
    static final long S = 1_000_000_000L;

    @Test
    void steadyRateIsMeasured() {
        RateMeter m = new RateMeter(5 * S, 20);
        long t = 100 * S;
        for (int i = 0; i < 100; i++) {  // 1 MiB per 100 ms = 10 MiB/s for 10 s
            m.add(1 << 20, t);
            t += S / 10;
        }
        assertThat(m.rate(t)).isCloseTo(10.0 * (1 << 20), within(0.1 * (1 << 20) * 10));
        assertThat(m.total()).isEqualTo(100L << 20);
    }

    @Test
    void rateDecaysToZeroAfterWindow() {
        RateMeter m = new RateMeter(5 * S, 20);
        m.add(1000, 0);
        m.add(1000, S);
        assertThat(m.rate(S)).isGreaterThan(0);
        assertThat(m.rate(20 * S)).isZero();
        assertThat(new RateMeter().rate(5)).isZero();
    }

    @Test
    void tokenBucketGrantsAndTellsWait() {
        TokenBucket b = new TokenBucket(1000, 1000);
        assertThat(b.tryTake(600, 0)).isEqualTo(600);
        assertThat(b.tryTake(600, 0)).isEqualTo(400);
        assertThat(b.nanosUntil(500, 0)).isEqualTo(S / 2);
        assertThat(b.tryTake(500, S / 2)).isEqualTo(500);
        assertThat(b.tryTake(5000, 10 * S)).isEqualTo(1000); // capped by burst
        TokenBucket free = new TokenBucket(0, 1);
        assertThat(free.tryTake(1 << 30, 0)).isEqualTo(1 << 30);
        assertThat(free.nanosUntil(1 << 30, 0)).isZero();
    }
}
