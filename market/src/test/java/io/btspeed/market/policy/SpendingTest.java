package io.btspeed.market.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpendingTest {
    static final long MIB = 1L << 20;

    @Test
    void spendingOffMeansNoBidAndNoChannel() {
        assertThat(Spending.OFF.forBidding(1_000_000, 0, 0)).isZero();
        assertThat(Spending.OFF.forNewEscrow(1_000_000, 0, 0)).isZero();
        assertThat(Spending.OFF.target(Autobid.DEFAULT, 1_000_000, 0, 0, MIB)).isZero();
    }

    @Test
    void theBudgetCapsBidsAndChannels() {
        Spending s = new Spending(true, 10_000_000);
        // balance 50,000,000, 3,000,000 spent, 2,000,000 still locked in a channel
        assertThat(s.forNewEscrow(50_000_000, 3_000_000, 2_000_000)).isEqualTo(5_000_000);
        assertThat(s.forBidding(50_000_000, 3_000_000, 2_000_000)).isEqualTo(7_000_000);
        // 7,000,000 over 7 MiB left: 1,000,000 per MiB
        assertThat(s.target(Autobid.DEFAULT, 50_000_000, 3_000_000, 2_000_000, 7 * MIB)).isEqualTo(1_000_000);
        // the max price caps the bid
        assertThat(s.target(new Autobid(1000, 400_000), 50_000_000, 3_000_000, 2_000_000, 7 * MIB)).isEqualTo(400_000);
        // a low balance caps what can be locked, and the locked escrow still counts for bidding
        assertThat(s.forNewEscrow(1_000, 3_000_000, 2_000_000)).isEqualTo(1_000);
        assertThat(s.forBidding(1_000, 3_000_000, 2_000_000)).isEqualTo(2_001_000);
        // budget used up: nothing
        assertThat(s.forNewEscrow(50_000_000, 10_000_000, 0)).isZero();
        assertThat(s.target(Autobid.DEFAULT, 50_000_000, 10_000_000, 0, MIB)).isZero();
        // nothing left to download: no bid
        assertThat(s.target(Autobid.DEFAULT, 50_000_000, 0, 0, 0)).isZero();
        // no budget given: the balance is the limit, without overflow
        Spending all = new Spending(true, Long.MAX_VALUE);
        assertThat(all.forBidding(Long.MAX_VALUE, 0, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(all.forNewEscrow(123, 0, 0)).isEqualTo(123);
    }
}
