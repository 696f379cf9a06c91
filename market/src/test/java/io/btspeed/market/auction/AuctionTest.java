package io.btspeed.market.auction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuctionTest {
    /** Prices in tenths, so the seed example's 0.5 is a whole number of base units. */
    static List<Bid> seedExample() {
        long[] tenths = {100_000, 10_000, 1_000, 100, 10, 5};
        List<Bid> bids = new ArrayList<>();
        for (int i = 0; i < tenths.length; i++) bids.add(new Bid(i + 1, tenths[i], i));
        return bids;
    }

    @Test
    void seedExampleLowestWinning() {
        // 5 slots, bids 10000, 1000, 100, 10, 1, 0.5: the five highest win and all pay 1
        AuctionResult r = Auction.clear(seedExample(), 5, ClearingRule.LOWEST_WINNING, 0);
        assertThat(r.winners()).containsExactly(1, 2, 3, 4, 5);
        assertThat(r.clearingPrice()).isEqualTo(10); // 1.0
    }

    @Test
    void seedExampleHighestLosing() {
        AuctionResult r = Auction.clear(seedExample(), 5, ClearingRule.HIGHEST_LOSING, 0);
        assertThat(r.winners()).containsExactly(1, 2, 3, 4, 5);
        assertThat(r.clearingPrice()).isEqualTo(5); // 0.5
    }

    @Test
    void tiesGoToTheEarlierBidThenTheLowerKey() {
        List<Bid> bids = List.of(new Bid(9, 50, 2), new Bid(3, 50, 1), new Bid(4, 50, 1), new Bid(7, 80, 5));
        AuctionResult r = Auction.clear(bids, 2, ClearingRule.LOWEST_WINNING, 0);
        assertThat(r.winners()).containsExactly(7, 3);
        assertThat(r.clearingPrice()).isEqualTo(50);
        assertThat(Auction.clear(bids, 2, ClearingRule.HIGHEST_LOSING, 0).clearingPrice()).isEqualTo(50);
    }

    @Test
    void fewerBiddersThanSlotsAndReservePrice() {
        List<Bid> bids = List.of(new Bid(1, 40, 0), new Bid(2, 25, 1), new Bid(3, 9, 2));
        // reserve 10 excludes the 9
        AuctionResult lw = Auction.clear(bids, 5, ClearingRule.LOWEST_WINNING, 10);
        assertThat(lw.winners()).containsExactly(1, 2);
        assertThat(lw.clearingPrice()).isEqualTo(25);
        AuctionResult hl = Auction.clear(bids, 5, ClearingRule.HIGHEST_LOSING, 10);
        assertThat(hl.winners()).containsExactly(1, 2);
        assertThat(hl.clearingPrice()).as("no losing bid: the reserve").isEqualTo(10);
        assertThat(Auction.clear(bids, 0, ClearingRule.LOWEST_WINNING, 0).winners()).isEmpty();
        assertThat(Auction.clear(List.of(), 3, ClearingRule.HIGHEST_LOSING, 7)).isEqualTo(AuctionResult.none(ClearingRule.HIGHEST_LOSING));
    }

    @Test
    void noWinnerEverPaysMoreThanItBid() {
        java.util.Random rnd = new java.util.Random(1);
        for (int round = 0; round < 2000; round++) {
            List<Bid> bids = new ArrayList<>();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) bids.add(new Bid(i, 1 + rnd.nextInt(1000), rnd.nextInt(5)));
            int slots = rnd.nextInt(6);
            long reserve = rnd.nextInt(300);
            for (ClearingRule rule : ClearingRule.values()) {
                AuctionResult r = Auction.clear(bids, slots, rule, reserve);
                assertThat(r.winners().size()).isLessThanOrEqualTo(slots);
                for (int w : r.winners()) {
                    long bid = bids.stream().filter(b -> b.peer() == w).findFirst().orElseThrow().price();
                    assertThat(r.clearingPrice()).isLessThanOrEqualTo(bid).isGreaterThanOrEqualTo(reserve);
                }
                // every loser that met the reserve bid no more than every winner
                long lowestWin = r.winners().stream().mapToLong(w -> bids.stream().filter(b -> b.peer() == w).findFirst().orElseThrow().price())
                        .min().orElse(Long.MAX_VALUE);
                bids.stream().filter(b -> !r.won(b.peer()) && b.price() >= reserve && r.winners().size() == slots)
                        .forEach(b -> assertThat(b.price()).isLessThanOrEqualTo(lowestWin));
            }
        }
    }
}
