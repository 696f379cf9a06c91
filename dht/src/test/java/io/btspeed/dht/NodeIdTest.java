package io.btspeed.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeIdTest {
    @Test
    void commonPrefixCountsLeadingEqualBits() {
        NodeId zero = new NodeId(new byte[20]);
        byte[] b = new byte[20];
        b[2] = 0x10; // bit 16+3 differs
        assertThat(zero.commonPrefixBits(new NodeId(b))).isEqualTo(19);
        assertThat(zero.commonPrefixBits(zero)).isEqualTo(160);
        b[0] = (byte) 0x80;
        assertThat(zero.commonPrefixBits(new NodeId(b))).isZero();
    }

    @Test
    void distanceIsXorReadUnsigned() {
        NodeId zero = new NodeId(new byte[20]);
        byte[] near = new byte[20];
        near[19] = (byte) 0xff;
        byte[] far = new byte[20];
        far[0] = (byte) 0x80; // negative as a signed byte: must still be the farther one
        assertThat(zero.compareDistance(new NodeId(near), new NodeId(far))).isNegative();
        assertThat(zero.compareDistance(new NodeId(far), new NodeId(near))).isPositive();
    }

    @Test
    void randomWithPrefixSharesExactlyThatManyBits() {
        SplittableRandom rnd = new SplittableRandom(7);
        NodeId self = NodeId.random(rnd);
        for (int p = 0; p < 160; p++) {
            assertThat(self.commonPrefixBits(self.randomWithPrefix(p, rnd))).as("prefix %d", p).isEqualTo(p);
        }
    }
}
