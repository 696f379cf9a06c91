package io.btspeed.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.rate.RateMeter;
import org.junit.jupiter.api.Test;

class RequestPipelineTest {
    static final long S = 1_000_000_000L;
    static final int B = 16 * 1024;

    /** Feeds blocks at a fixed rate for some seconds and returns the depth. */
    static int depthAt(double bytesPerSecond) {
        RequestPipeline p = new RequestPipeline(B, S, 4, 2000, 60 * S, new RateMeter(5 * S, 20));
        long t = 0;
        long gap = (long) (B * 1e9 / bytesPerSecond);
        for (int i = 0; t < 6 * S; i++) {
            p.onBlock(B, t);
            t += gap;
        }
        return p.targetDepth(t);
    }

    @Test
    void depthGrowsWithRate() {
        int slow = depthAt(100_000);
        int mid = depthAt(10_000_000);
        int fast = depthAt(300_000_000);
        // 100 kB/s x 1 s / 16 KiB = 6.1 -> 7 (slow start may still hold a little more)
        assertThat(slow).isBetween(7, 16);
        // 10 MB/s x 1 s / 16 KiB ~= 610 blocks
        assertThat(mid).isBetween(560, 700);
        assertThat(fast).isEqualTo(2000);
    }

    @Test
    void slowStartDoublesBeforeRateIsKnown() {
        RequestPipeline p = new RequestPipeline(B, S, 4, 2000, 60 * S, new RateMeter(5 * S, 20));
        assertThat(p.targetDepth(0)).isEqualTo(4);
        long t = 0;
        for (int i = 0; i < 4; i++) p.onBlock(B, t += 1000);
        assertThat(p.targetDepth(t)).isGreaterThanOrEqualTo(8);
    }

    @Test
    void clampedByPeerReqqAndTimesOut() {
        RequestPipeline p = new RequestPipeline(B, S, 4, 2000, 60 * S, new RateMeter(5 * S, 20));
        p.setPeerReqq(250);
        long t = 0;
        for (int i = 0; i < 20000; i++) p.onBlock(B, t += 100_000);
        assertThat(p.targetDepth(t)).isEqualTo(250);
        assertThat(p.toRequest(200, t)).isEqualTo(50);
        assertThat(p.timedOut(10, t + 59 * S)).isFalse();
        assertThat(p.timedOut(10, t + 60 * S)).isTrue();
        assertThat(p.timedOut(0, t + 600 * S)).isFalse();
        p.onTimeout(t + 60 * S);
        assertThat(p.timedOut(10, t + 61 * S)).isFalse();
    }

    @Test
    void snubbedPeerKeepsTwoProbesUntilItDeliversAgain() {
        RequestPipeline p = new RequestPipeline(B, 2 * S, 64, 2000, 20 * S, new RateMeter(5 * S, 20));
        long t = 0;
        p.onRequestsSent(0, t);
        assertThat(p.targetDepth(t)).isEqualTo(64);
        assertThat(p.timedOut(64, t + 20 * S)).isTrue();
        p.onTimeout(t + 20 * S);
        assertThat(p.isSnubbed()).isTrue();
        assertThat(p.targetDepth(t + 20 * S)).isEqualTo(RequestPipeline.PROBE_DEPTH);
        p.onBlock(B, t + 21 * S);
        assertThat(p.isSnubbed()).isFalse();
        assertThat(p.targetDepth(t + 21 * S)).isEqualTo(64);
    }

    @Test
    void aPauseWithNothingOwedDoesNotCountAsSilence() {
        RequestPipeline p = new RequestPipeline(B, S, 4, 2000, 20 * S, new RateMeter(5 * S, 20));
        p.onRequestsSent(0, 0);
        p.onBlock(B, S);
        // everything delivered, then the peer chokes us for a minute; asking again restarts the clock
        p.onRequestsSent(0, 61 * S);
        assertThat(p.timedOut(4, 62 * S)).isFalse();
        assertThat(p.timedOut(4, 81 * S)).isTrue();
        // requests topped up while some are out keep the clock running
        p.onRequestsSent(4, 80 * S);
        assertThat(p.timedOut(4, 81 * S)).isTrue();
    }
}
