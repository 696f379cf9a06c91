package io.btspeed.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.op.ChannelState;
import org.junit.jupiter.api.Test;

/** A channel id is compared by its 32 bytes, with or without a copy, and keeps none of the caller's arrays. */
class ChannelIdTest {
    @Test
    void matchesComparesTheBytesAndAStateKnowsItsChannel() {
        byte[] raw = new byte[32];
        raw[31] = 7;
        ChannelId id = new ChannelId(raw);
        byte[] other = raw.clone();
        assertThat(id.matches(other)).isTrue();
        other[0] = 1;
        assertThat(id.matches(other)).isFalse();
        assertThat(id.matches(new byte[31])).isFalse();
        assertThat(id.matches(null)).isFalse();
        raw[31] = 8; // the id copied the array it was made from
        assertThat(id.matches(raw)).isFalse();
        id.bytes()[0] = 9; // and hands out copies
        assertThat(id.bytes()[0]).isZero();

        ChannelState s = new ChannelState(id.bytes(), 1, 10);
        assertThat(s.isIn(id)).isTrue();
        assertThat(s.isIn(new ChannelId(new byte[32]))).isFalse();
    }
}
