package io.btspeed.market.pay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExposureGateTest {
    static final int PIECE = 256 * 1024, BLOCK = 16 * 1024;
    static final long PRICE = 1L << 20; // one base unit per byte: costs read as byte counts

    @Test
    void nothingIsBilledOrHeldBeforeTheBuyerIsToldItWon() {
        ExposureGate g = new ExposureGate(2, PIECE);
        assertThat(g.billedPrice()).isZero();
        assertThat(g.fits(Long.MAX_VALUE / 2, BLOCK)).isTrue();
        assertThat(g.limit()).isZero();
        assertThat(g.overExposed(0)).isFalse();
    }

    @Test
    void aWinnerGetsBlocksUpToTwoPiecesUnpaidAndNoMore() {
        ExposureGate g = new ExposureGate(2, PIECE);
        g.resultDelivered(PRICE);
        assertThat(g.limit()).isEqualTo(2L * PIECE);
        long debt = 0;
        int sent = 0;
        while (g.fits(debt, BLOCK)) {
            debt += Pricing.cost(g.billedPrice(), BLOCK);
            sent++;
        }
        assertThat(sent).as("exactly two pieces of blocks").isEqualTo(2 * PIECE / BLOCK);
        assertThat(debt).isEqualTo(g.limit());
        assertThat(g.overExposed(debt)).as("at the limit, not past it").isFalse();
        // it pays for the first piece: the next block fits
        assertThat(g.fits(debt - PIECE, BLOCK)).isTrue();
    }

    @Test
    void aBuyerThatDoesNotPayIsKeptOutUntilItPays() {
        ExposureGate g = new ExposureGate(2, PIECE);
        g.resultDelivered(PRICE);
        long debt = 2L * PIECE;
        g.stall(); // the runtime waited for a payment in vain
        assertThat(g.overExposed(debt)).isTrue();
        assertThat(g.stalled()).isTrue();
        g.resultDelivered(0); // it lost the slot; its debt keeps it out
        assertThat(g.fits(debt, BLOCK)).as("as a loser its blocks are not billed").isTrue();
        assertThat(g.overExposed(debt)).isTrue();
        assertThat(g.limit()).as("the limit stays at the last price it was billed").isEqualTo(2L * PIECE);
        assertThat(g.overExposed(debt - BLOCK)).as("paying one block back is enough to let one block through").isFalse();
        assertThat(g.stalled()).isFalse();
    }

    @Test
    void aDebtAboveALowerNewLimitCountsAsOverExposed() {
        ExposureGate g = new ExposureGate(2, PIECE);
        g.resultDelivered(PRICE);
        long debt = 2L * PIECE;
        g.resultDelivered(PRICE / 2); // the price fell: the limit halves, the debt does not
        assertThat(g.overExposed(debt)).isTrue();
        assertThat(g.fits(debt, BLOCK)).isFalse();
    }
}
