package io.btspeed.market.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AutobidTest {
    @Test
    void bidIsBalanceOverRemainingMiB() {
        // 1,000 tokens (6 decimals) for 500 MiB left: 2 tokens per MiB
        assertThat(Autobid.DEFAULT.bid(1_000_000_000L, 500 * Autobid.MIB)).isEqualTo(2_000_000L);
        // half the spending rate halves the bid
        assertThat(new Autobid(500, Long.MAX_VALUE).bid(1_000_000_000L, 500 * Autobid.MIB)).isEqualTo(1_000_000L);
        // capped by the user's max price
        assertThat(new Autobid(1000, 123).bid(1_000_000_000L, 500 * Autobid.MIB)).isEqualTo(123);
        // nothing left to download or nothing to spend: no bid
        assertThat(Autobid.DEFAULT.bid(1_000, 0)).isZero();
        assertThat(Autobid.DEFAULT.bid(0, 1000)).isZero();
        // tiny remainder, huge balance: saturates instead of overflowing
        assertThat(Autobid.DEFAULT.bid(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rebidOnlyWhenTheBidMovesMoreThanTenPercent() {
        assertThat(Autobid.shouldRebid(1000, 1100)).isFalse();
        assertThat(Autobid.shouldRebid(1000, 1101)).isTrue();
        assertThat(Autobid.shouldRebid(1000, 899)).isTrue();
        assertThat(Autobid.shouldRebid(1000, 900)).isFalse();
        assertThat(Autobid.shouldRebid(0, 5)).isTrue();
        assertThat(Autobid.shouldRebid(5, 0)).isTrue();
        assertThat(Autobid.shouldRebid(7, 7)).isFalse();
    }
}
