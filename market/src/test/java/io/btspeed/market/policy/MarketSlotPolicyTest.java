package io.btspeed.market.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.choke.ChokeContext;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.market.auction.ClearingRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MarketSlotPolicyTest {
    static PeerStats peer(int key, boolean market, double downRate) {
        return new PeerStats(key, true, true, downRate, 0, false, false, 0, market);
    }

    static MarketSlotPolicy policy(int paid, ClearingRule rule) {
        return new MarketSlotPolicy(paid, rule, 0, new TitForTatPolicy(new Random(1)));
    }

    @Test
    void paidSlotsGoToTheHighestBiddersAndFreeSlotsStayOpenToPlainPeers() {
        MarketSlotPolicy p = policy(2, ClearingRule.LOWEST_WINNING);
        List<PeerStats> peers = List.of(peer(1, true, 0), peer(2, true, 0), peer(3, true, 0), peer(4, false, 900), peer(5, false, 100));
        p.bid(1, 300);
        p.bid(2, 100);
        p.bid(3, 200);
        UnchokeDecision d = p.decide(peers, new ChokeContext(0, false, 4, 0));
        assertThat(d.paid()).containsExactlyInAnyOrder(1, 3);
        assertThat(p.lastAuction().clearingPrice()).isEqualTo(200);
        // 2 free slots: the best reciprocating plain peer plus an optimistic one among the rest
        assertThat(d.unchoked()).hasSize(4).contains(1, 3, 4);
        assertThat(d.optimistic()).isIn(2, 5);
    }

    @Test
    void atLeastOneSlotIsNeverSoldAndUnsoldPaidSlotsServePlainPeers() {
        MarketSlotPolicy p = policy(5, ClearingRule.HIGHEST_LOSING);
        List<PeerStats> peers = new ArrayList<>();
        for (int k = 1; k <= 6; k++) {
            peers.add(peer(k, true, k));
            p.bid(k, 10 * k);
        }
        peers.add(peer(7, false, 0));
        UnchokeDecision d = p.decide(peers, new ChokeContext(0, false, 3, 0));
        assertThat(d.paid()).as("3 slots: at most 2 sold").containsExactlyInAnyOrder(6, 5);
        assertThat(p.lastAuction().clearingPrice()).isEqualTo(40);
        assertThat(d.unchoked()).hasSize(3);

        // nobody bids: all slots behave like plain tit-for-tat
        MarketSlotPolicy quiet = policy(2, ClearingRule.LOWEST_WINNING);
        UnchokeDecision q = quiet.decide(List.of(peer(1, false, 50), peer(2, false, 10), peer(3, false, 5)), new ChokeContext(0, false, 3, 0));
        assertThat(q.paid()).isEmpty();
        assertThat(q.unchoked()).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void aBidForAnUnsoldSlotAsksForAnEarlyRoundAndASoldOutAuctionDoesNot() {
        MarketSlotPolicy p = policy(1, ClearingRule.LOWEST_WINNING);
        List<PeerStats> peers = List.of(peer(1, true, 0), peer(2, true, 0), peer(3, false, 0));
        p.decide(peers, new ChokeContext(0, false, 2, 0)); // nobody bid yet: the paid slot went unsold
        assertThat(p.roundWanted()).isFalse();
        p.bid(1, 500);
        assertThat(p.roundWanted()).as("a buyer for the empty paid slot need not wait a whole interval").isTrue();
        assertThat(p.decide(peers, new ChokeContext(1, false, 2, 1)).paid()).containsExactly(1);
        assertThat(p.roundWanted()).as("the round ran").isFalse();
        p.bid(2, 900);
        assertThat(p.roundWanted()).as("the slot is sold: a higher bid waits for the next regular round").isFalse();
        // the winner falls behind on payment: a round at once takes the slot away; it pays up: the empty slot is re-auctioned early
        p.setOverExposed(1, true);
        assertThat(p.roundWanted()).as("an over-exposed winner loses its slot now, not at the next regular round").isTrue();
        p.withdraw(2);
        assertThat(p.decide(peers, new ChokeContext(2, false, 2, 2)).paid()).isEmpty();
        p.setOverExposed(1, false);
        assertThat(p.roundWanted()).isTrue();
    }

    @Test
    void overExposedWinnersAndPeersWithoutTheExtensionCannotBuySlots() {
        MarketSlotPolicy p = policy(1, ClearingRule.LOWEST_WINNING);
        p.bid(1, 500);
        p.bid(2, 50);
        p.bid(3, 9_999); // peer 3 does not speak the extension: its "bid" is ignored
        p.setOverExposed(1, true);
        List<PeerStats> peers = List.of(peer(1, true, 0), peer(2, true, 0), peer(3, false, 0));
        UnchokeDecision d = p.decide(peers, new ChokeContext(0, false, 2, 0));
        assertThat(d.paid()).containsExactly(2);
        p.setOverExposed(1, false);
        assertThat(p.decide(peers, new ChokeContext(0, false, 2, 1)).paid()).containsExactly(1);
        assertThat(p.lastRound()).isEqualTo(1);
    }

    @Test
    void aPeerCannotFloodTheAuctionWithBids() {
        MarketSlotPolicy p = policy(1, ClearingRule.LOWEST_WINNING);
        for (int i = 1; i <= MarketSlotPolicy.MAX_BIDS_PER_ROUND; i++) assertThat(p.offer(1, 100 * i)).isTrue();
        assertThat(p.offer(1, 9_999)).as("fifth bid in the round").isFalse();
        assertThat(p.offer(2, 50)).as("another peer has its own count").isTrue();
        p.decide(List.of(peer(1, true, 0), peer(2, true, 0)), new ChokeContext(0, false, 2, 0));
        assertThat(p.lastAuction().clearingPrice()).as("the ignored bid did not count").isEqualTo(400);
        assertThat(p.offer(1, 9_999)).as("a new round, a new count").isTrue();
    }

    @Test
    void theRoundMatchesTheSeedExampleThroughThePolicy() {
        // 5 paid slots + 1 free; bids 10000, 1000, 100, 10, 1, 0.5 in tenths; a plain peer takes the free slot
        for (ClearingRule rule : ClearingRule.values()) {
            MarketSlotPolicy p = policy(5, rule);
            long[] tenths = {100_000, 10_000, 1_000, 100, 10, 5};
            List<PeerStats> peers = new ArrayList<>();
            for (int k = 1; k <= 6; k++) {
                peers.add(peer(k, true, 0));
                p.bid(k, tenths[k - 1]);
            }
            peers.add(peer(7, false, 1_000));
            UnchokeDecision d = p.decide(peers, new ChokeContext(0, false, 6, 0));
            assertThat(d.paid()).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
            assertThat(d.unchoked()).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 7);
            assertThat(p.lastAuction().clearingPrice()).isEqualTo(rule == ClearingRule.LOWEST_WINNING ? 10 : 5);
        }
    }
}
