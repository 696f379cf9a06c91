package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.market.pay.Exposure;
import io.btspeed.market.pay.Pricing;
import org.junit.jupiter.api.Test;

/** The simulator's payments run the market's flows: channels, a state per verified piece, the exposure choke, exact tokens. */
class SimPaymentsTest {
    static final long PIECE = 256 * 1024;
    static final long PRICE = 1_048_576; // a piece costs PIECE base units
    static final int PIECES = 1000;

    final Tokens tokens = new Tokens(2);
    final SimPayments payments = new SimPayments(tokens, PIECE, "lowest-winning");
    final SimPeer seller = peer(0, "nonbidder", true, 0);

    SimPeer peer(int id, String kind, boolean complete, long budget) {
        Scenario s = ScenarioLoader.parse("""
                name: t
                pieces: %d
                pieceSize: %d
                groups:
                  - {name: g, count: 1, kind: %s, complete: %s, budget: %d, uploadKiBps: 100}
                """.formatted(PIECES, PIECE, kind, complete, budget), true, "t.yaml");
        tokens.mint(id, budget);
        return new SimPeer(id, 0, s.groups().getFirst(), PIECES);
    }

    Link paidLink(SimPeer buyer, long price) {
        Link l = new Link(seller, buyer, 0, buyer.id);
        l.paid = true;
        l.price = price;
        return l;
    }

    @Test
    void aChannelSizedForTheNeedCarriesAStatePerPieceAndSettlesExactlyWhenTheLinkCloses() {
        long budget = 1_000L * PIECE;
        SimPeer buyer = peer(1, "bidder", false, budget);
        buyer.standingBid = PRICE;
        Link l = paidLink(buyer, PRICE);
        long remaining = 100 * PIECE;
        payments.paidPiece(l, 0, remaining - PIECE, 1_000_000_000L);
        assertThat(payments.channelsOpened()).as("opened at the first paid piece").isEqualTo(1);
        assertThat(tokens.locked()).as("escrow: the need for the rest at the bid").isEqualTo(Pricing.cost(PRICE, remaining));
        for (int p = 1; p < 10; p++) payments.paidPiece(l, p, remaining - (p + 1) * PIECE, 1_000_000_000L);
        assertThat(buyer.spent).isEqualTo(10 * PIECE);
        assertThat(seller.earned).isEqualTo(10 * PIECE);
        assertThat(buyer.paidBytes).isEqualTo(10 * PIECE);
        assertThat(tokens.balance(0)).as("earnings reach the balance when the channel closes").isZero();
        tokens.checkSupply();
        payments.linkClosed(l);
        assertThat(payments.openChannels()).isZero();
        assertThat(tokens.locked()).isZero();
        assertThat(tokens.balance(0)).isEqualTo(10 * PIECE);
        assertThat(tokens.balance(1)).isEqualTo(budget - 10 * PIECE);
        tokens.checkSupply();
    }

    @Test
    void aFullChannelIsFollowedByANewOneAndTheOldOneSettles() {
        SimPeer buyer = peer(1, "bidder", false, 1_000L * PIECE);
        buyer.standingBid = PRICE;
        Link l = paidLink(buyer, PRICE);
        // nothing left after these pieces: each channel holds the floor of 4 pieces
        for (int p = 0; p < 10; p++) payments.paidPiece(l, p, 0, 1_000_000_000L);
        assertThat(buyer.spent).isEqualTo(10 * PIECE);
        assertThat(payments.channelsOpened()).isEqualTo(3);
        assertThat(payments.openChannels()).as("a newer channel settles the older one").isEqualTo(1);
        assertThat(tokens.balance(0)).isEqualTo(8 * PIECE);
        payments.settleAll();
        assertThat(tokens.balance(0)).isEqualTo(10 * PIECE);
        assertThat(tokens.balance(1)).isEqualTo(990 * PIECE);
        tokens.checkSupply();
    }

    @Test
    void aBuyerThatCannotPayIsKeptOutAtTheExposureLimitAndTheSellerLosesNoMore() {
        SimPeer buyer = peer(1, "bidder", false, 3 * PIECE);
        buyer.standingBid = PRICE;
        Link l = paidLink(buyer, PRICE);
        long limit = Exposure.defaultPieces(PIECE) * PIECE;
        int p = 0;
        while (!payments.overExposed(l)) {
            payments.paidPiece(l, p++, 0, 1_000_000_000L);
            assertThat(payments.debt(l)).isLessThanOrEqualTo(limit);
            assertThat(p).as("choked before the debt can pass the limit").isLessThan(1000);
        }
        assertThat(buyer.spent).as("it paid what it had").isEqualTo(3 * PIECE);
        assertThat(payments.debt(l)).isGreaterThan(limit - PIECE).isLessThanOrEqualTo(limit);
        payments.settleAll();
        assertThat(tokens.balance(0)).isEqualTo(3 * PIECE);
        assertThat(tokens.balance(1)).isZero();
        tokens.checkSupply();
    }
}
