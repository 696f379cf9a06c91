package io.btspeed.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
    static final InetAddress A = InetAddress.ofLiteral("10.0.0.1");
    static final InetAddress B = InetAddress.ofLiteral("10.0.0.2");

    @Test
    void burstThenRatePerSource() {
        SourceRateLimiter l = new SourceRateLimiter(10, 5, 100);
        int allowed = 0;
        for (int i = 0; i < 100; i++) if (l.allow(A, 0)) allowed++;
        assertThat(allowed).isEqualTo(5);
        assertThat(l.allow(B, 0)).isTrue(); // another source is not punished
        assertThat(l.allow(A, 100_000_000L)).isTrue(); // 0.1 s later one more token
        assertThat(l.allow(A, 100_000_000L)).isFalse();
        assertThat(l.dropped()).isEqualTo(96);
    }

    @Test
    void sourceTableStaysBounded() {
        SourceRateLimiter l = new SourceRateLimiter(10, 5, 50);
        for (int i = 0; i < 1000; i++) l.allow(InetAddress.ofLiteral("10.1." + (i >> 8) + "." + (i & 0xff)), 0);
        assertThat(l.trackedSources()).isLessThanOrEqualTo(50);
    }
}
