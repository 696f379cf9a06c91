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

    final Tokens tokens = new Tokens(3);
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
        return paidLink(seller, buyer, price);
    }

    Link paidLink(SimPeer from, SimPeer buyer, long price) {
        Link l = new Link(from, buyer, 0, buyer.id * 100L + from.id);
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

    @Test
    void whileAnotherPieceOfTheBuyerWaitsOnlyALinkThatHadWonAtItsPricePaysInTheSlice() {
        SimPeer buyer = peer(1, "bidder", false, 1_000L * PIECE), other = peer(2, "nonbidder", true, 0);
        buyer.standingBid = PRICE;
        Link won = paidLink(buyer, PRICE), repriced = paidLink(other, buyer, PRICE);
        long now = 1_000_000_000L, remaining = 100 * PIECE;
        // both links' flows won their slots and hold open channels (paid when the round settles)
        payments.paidPiece(won, 0, remaining, now);
        payments.paidPiece(repriced, 1, remaining, now);
        assertThat(payments.channelsOpened()).isEqualTo(2);
        long spent = buyer.spent;

        RoundPart r = new RoundPart(PIECES);
        // no earlier piece of the buyer waits: a link at a new price is paid here too
        repriced.price = PRICE / 2;
        int k = r.paidPiece(repriced, 2, remaining);
        assertThat(payments.payInSlice(repriced, 2, now, r, k, 1, false)).isTrue();
        assertThat(r.paidEarned[k]).isEqualTo(PIECE / 2);

        // round 2: an earlier piece of the buyer waits
        RoundPart r2 = new RoundPart(PIECES);
        k = r2.paidPiece(won, 3, remaining);
        assertThat(payments.payInSlice(won, 3, now, r2, k, 2, true)).as("won before, same price").isTrue();
        assertThat(r2.paidEarned[k]).isEqualTo(PIECE);
        repriced.price = PRICE;
        k = r2.paidPiece(repriced, 4, remaining);
        assertThat(payments.payInSlice(repriced, 4, now, r2, k, 2, true)).as("a new price waits").isFalse();
        assertThat(r2.paidEarned[k]).isEqualTo(-1);
        // that link's next piece of the round waits behind it, though the buyer's flag no longer says so
        k = r2.paidPiece(repriced, 5, remaining);
        assertThat(payments.payInSlice(repriced, 5, now, r2, k, 2, false)).isFalse();
        assertThat(buyer.spent).as("only the pieces paid here are spent").isEqualTo(spent + PIECE / 2 + PIECE);

        // a flow that lost its slot and is back in it has not been told it won: it waits behind the buyer's piece
        payments.slotLost(won, now);
        RoundPart r3 = new RoundPart(PIECES);
        k = r3.paidPiece(won, 6, remaining);
        assertThat(payments.payInSlice(won, 6, now, r3, k, 3, true)).isFalse();
        // with nothing of the buyer waiting it is paid here, told of its win first
        RoundPart r4 = new RoundPart(PIECES);
        k = r4.paidPiece(won, 7, remaining);
        assertThat(payments.payInSlice(won, 7, now, r4, k, 4, false)).isTrue();
        assertThat(r4.paidEarned[k]).isEqualTo(PIECE);

        // a price above the buyer's bid is refused: the flow no longer wins (its escrow could be given back), so
        // its next piece waits behind the buyer's waiting one, though nothing about it is new any more
        won.price = 2 * PRICE;
        RoundPart r5 = new RoundPart(PIECES);
        k = r5.paidPiece(won, 8, remaining);
        assertThat(payments.payInSlice(won, 8, now, r5, k, 5, false)).isTrue();
        assertThat(r5.paidEarned[k]).as("refused: not paid").isZero();
        RoundPart r6 = new RoundPart(PIECES);
        k = r6.paidPiece(won, 9, remaining);
        assertThat(payments.payInSlice(won, 9, now, r6, k, 6, true)).isFalse();
        tokens.checkSupply();
    }
}
