package io.btspeed.market.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.pay.Exposure;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The market rules the runtime and the simulator both drive through the flows (spec §4, §5): the
 * channel opened at the first bid and its escrow price, billing per piece as the buyer pays, the
 * exposure choke and its release, and the exposure default.
 */
class MarketRulesTest {
    static final long PIECE = 256 * 1024;
    static final long T0 = 1_700_000_000_000L;
    static final long DAY = 24L * 60 * 60 * 1000;
    static final long HOUR = 60 * 60 * 1000L;
    final KeyPair payer = KeyPair.fromPrivateKey(BigInteger.valueOf(41));
    final KeyPair payee = KeyPair.fromPrivateKey(BigInteger.valueOf(42));
    final ChannelId ch1 = PayerFlowTest.id(1), ch2 = PayerFlowTest.id(2);

    PayerFlow buyer() {
        return new PayerFlow(payee.address(), s -> s.sign(payer), PayerFlow.Config.defaults(PIECE));
    }

    PayeeFlow seller(int exposurePieces) {
        return new PayeeFlow(payee.address(), payer.address(), new PayeeFlow.Config(exposurePieces, PIECE, HOUR));
    }

    PayeeFlow fundedSeller(int exposurePieces, long escrow) {
        PayeeFlow f = seller(exposurePieces);
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), escrow, T0 + DAY));
        assertThat(f.onChannelChecked(new ChannelInfo(ch1, payer.address(), PublicKey.of(payer.publicKey()), payee.address(), escrow,
                T0 + DAY, ChannelInfo.Status.OPEN, 0, 0, ""), T0)).isEmpty();
        return f;
    }

    SpeedMessage.Payment pay(long seq, long amount) {
        return new SpeedMessage.Payment(ch1.bytes(), seq, amount, new ChannelState(ch1.bytes(), seq, amount).sign(payer).signature().encode());
    }

    @Test
    void theFirstBidOpensAChannelSizedAtTheBidForTheExpectedNeedWithinWhatMayBeSpent() {
        PayerFlow f = buyer();
        // 1,000,000 per MiB, 10 MiB left: the need is 10,000,000, well within 50,000,000 spendable
        List<MarketAction> a = f.onBid(1_000_000, 50_000_000, 10L << 20, T0);
        assertThat(a).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(1_000_000)),
                new MarketAction.OpenChannel(payee.address(), 10_000_000, T0 + DAY));
        assertThat(f.escrowPrice()).as("before a result: the standing bid").isEqualTo(1_000_000);
        assertThat(f.onBid(1_000_000, 50_000_000, 10L << 20, T0)).as("one opening at a time").isEmpty();
        f.onChannelOpenFailed();
        // the budget caps the escrow
        assertThat(f.onBid(1_000_000, 3_000_000, 10L << 20, T0)).containsExactly(new MarketAction.OpenChannel(payee.address(), 3_000_000, T0 + DAY));
        f.onChannelOpened(ch1, 3_000_000, T0 + DAY);
        assertThat(f.onBid(1_000_000, 50_000_000, 10L << 20, T0)).as("a usable channel is not opened twice").isEmpty();
    }

    @Test
    void aChannelIsSizedForOneSellersShareOfWhatRemains() {
        assertThat(PayerFlow.shareOf(10L << 20, 1)).isEqualTo(10L << 20);
        assertThat(PayerFlow.shareOf(10L << 20, 4)).isEqualTo(10L << 18);
        assertThat(PayerFlow.shareOf(10, 3)).as("rounded up").isEqualTo(4);
        assertThat(PayerFlow.shareOf(10, 0)).as("no seller counted: all of it").isEqualTo(10);
        assertThat(PayerFlow.shareOf(0, 3)).isZero();
        // bidding at 4 sellers with 64 MiB left: the channel holds 16 MiB at the bid
        PayerFlow f = buyer();
        assertThat(f.onBid(1_000_000, 1L << 40, PayerFlow.shareOf(64L << 20, 4), T0)).contains(
                new MarketAction.OpenChannel(payee.address(), 16_000_000, T0 + DAY));
    }

    @Test
    void anUnknownRemainderIsCappedAtWhatMayBeSpent() {
        assertThat(io.btspeed.market.pay.PayerAccount.escrowFor(Long.MAX_VALUE, 1L << 40, 5_000, 4, PIECE)).isEqualTo(5_000);
    }

    @Test
    void withNothingSpendableTheFirstBidStandsButOpensNothing() {
        PayerFlow f = buyer();
        assertThat(f.onBid(1_000, 0, 10L << 20, T0)).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(1_000)));
        assertThat(f.standingBid()).isEqualTo(1_000);
        assertThat(f.onBid(0, 50_000_000, 10L << 20, T0)).as("a withdrawn bid opens nothing")
                .containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(0)));
    }

    @Test
    void escrowIsPricedAtTheHigherOfTheResultAndTheStandingBid() {
        PayerFlow f = buyer();
        f.rebid(500_000);
        // won at 400,000 (below the bid): escrow at max(400,000, 500,000) × 8 MiB = 4,000,000
        assertThat(f.onResult(PayerFlowTest.won(1, 400_000), 1L << 40, 8L << 20, T0))
                .containsExactly(new MarketAction.OpenChannel(payee.address(), 4_000_000, T0 + DAY));
        assertThat(f.escrowPrice()).isEqualTo(500_000);
        f.onChannelOpenFailed();
        f.rebid(100_000);
        assertThat(f.escrowPrice()).as("a result above a lowered bid: the result").isEqualTo(400_000);
        PayerFlow fresh = buyer();
        assertThat(fresh.escrowPrice()).as("never 0: a channel always holds something").isEqualTo(1);
    }

    @Test
    void aFailedPieceIsNeverPaidAndAVerifiedOneOnceAtThePriceWhenItVerified() {
        PayerFlow f = buyer();
        f.rebid(1_048_576);
        f.onResult(PayerFlowTest.won(1, 1_048_576), 1L << 40, 64L << 20, T0);
        f.onChannelOpened(ch1, 64L << 20, T0 + DAY);
        assertThat(f.onPieceFailed(PIECE)).isEmpty();
        assertThat(f.spent()).isZero();
        assertThat(f.payablePrice()).isEqualTo(1_048_576);
        // verified after the slot was lost, but paid at the price in force when it verified
        f.onResult(new SpeedMessage.Result(2, false, 0, "lowest-winning", 1), 1L << 40, 64L << 20, T0);
        assertThat(f.payablePrice()).isZero();
        assertThat(f.onPieceVerified(PIECE, 0, 1L << 40, 64L << 20, T0)).as("price 0: a free slot").isEmpty();
        SpeedMessage.Payment p = PayerFlowTest.payment(f.onPieceVerified(PIECE, 1_048_576, 1L << 40, 64L << 20, T0));
        assertThat(p.sequence()).isEqualTo(1);
        assertThat(p.cumulative()).isEqualTo(PIECE);
    }

    @Test
    void billingPerPieceMatchesWhatTheBuyerPaysWhereBillingPerBlockFellShort() {
        // 1,000,063 per MiB: a 16 KiB block costs 15,625.98 → 15,625 rounded per block, 250,000 for the 16
        // blocks of a piece; the buyer rounds once per piece: 250,015.75 → 250,015. Billed per block, the
        // seller would bill 15 base units less per piece than the buyer pays
        long price = 1_000_063;
        PayeeFlow s = fundedSeller(4, 100_000_000);
        s.onResultDelivered(price);
        for (int b = 0; b < 16; b++) s.onBlockSent(0, PIECE, 16 * 1024);
        PayerFlow f = buyer();
        f.rebid(price);
        f.onResult(PayerFlowTest.won(1, price), 1L << 40, 64L << 20, T0);
        f.onChannelOpened(ch1, 100_000_000, T0 + DAY);
        SpeedMessage.Payment p = PayerFlowTest.payment(f.onPieceVerified(PIECE, 1L << 40, 63L << 20, T0));
        assertThat(p.cumulative()).isEqualTo(Pricing.cost(price, PIECE)).isEqualTo(250_015);
        assertThat(s.owed()).as("billed exactly what the buyer pays").isEqualTo(p.cumulative());
        assertThat(16 * Pricing.cost(price, 16 * 1024)).as("what per-block rounding billed").isLessThan(p.cumulative());
        s.onPayment(p);
        assertThat(s.debt()).isZero();
    }

    @Test
    void aPieceStraddlingAPriceChangeIsBilledAtThePriceTheBuyerPaysIt() {
        // the seller's new result (a higher price) is on the wire between two blocks of piece 0; the
        // buyer reads it before the piece's last block, so it pays the whole piece at the new price
        PayeeFlow s = fundedSeller(4, 100_000_000);
        s.onResultDelivered(1_000_000);
        for (int b = 0; b < 8; b++) s.onBlockSent(0, PIECE, 16 * 1024);
        s.onResultDelivered(1_200_000);
        for (int b = 8; b < 16; b++) s.onBlockSent(0, PIECE, 16 * 1024);
        PayerFlow f = buyer();
        f.rebid(1_200_000);
        f.onResult(PayerFlowTest.won(1, 1_000_000), 1L << 40, 64L << 20, T0);
        f.onChannelOpened(ch1, 100_000_000, T0 + DAY);
        f.onResult(PayerFlowTest.won(2, 1_200_000), 1L << 40, 64L << 20, T0);
        SpeedMessage.Payment p = PayerFlowTest.payment(f.onPieceVerified(PIECE, 1L << 40, 63L << 20, T0));
        assertThat(p.cumulative()).isEqualTo(Pricing.cost(1_200_000, PIECE));
        assertThat(s.owed()).as("the seller bills what the buyer pays, not half at each price").isEqualTo(p.cumulative());
    }

    @Test
    void blocksAreBilledOnlyAfterAWinningResultReachedTheBuyer() {
        PayeeFlow s = fundedSeller(2, 100_000_000);
        s.onBlockSent(0, PIECE, PIECE);
        assertThat(s.owed()).as("before any result: a free slot").isZero();
        s.onResultDelivered(1_048_576);
        s.onBlockSent(1, PIECE, PIECE);
        s.onResultDelivered(0);
        s.onBlockSent(2, PIECE, PIECE);
        assertThat(s.owed()).as("only the piece sent while it held the paid slot").isEqualTo(PIECE);
        assertThat(s.exposureLimit()).as("the limit stays at the last price billed").isEqualTo(2 * PIECE);
    }

    @Test
    void aWinnerThatStopsPayingIsChokedAtTheLimitAndLetBackWhenItPays() {
        long price = 1_048_576; // a piece costs PIECE base units
        PayeeFlow s = fundedSeller(2, 100_000_000);
        s.onResultDelivered(price);
        assertThat(s.mayServe(PIECE)).isTrue();
        s.onBlockSent(0, PIECE, PIECE);
        s.onBlockSent(1, PIECE, PIECE);
        assertThat(s.debt()).isEqualTo(2 * PIECE);
        assertThat(s.overExposed()).as("at the limit, not past it").isFalse();
        assertThat(s.mayServe(16 * 1024)).as("the next block would pass the limit").isFalse();
        // the block waited for a payment in vain
        s.stall();
        assertThat(s.overExposed()).isTrue();
        assertThat(s.phase()).isEqualTo(PayeeFlow.Phase.OVER_EXPOSED);
        // a payment for one piece leaves room for a block: back in the auction
        s.onPayment(pay(1, PIECE));
        assertThat(s.overExposed()).isFalse();
        assertThat(s.mayServe(PIECE)).isTrue();
        // a debt past the limit (billed while a block was already on its way) keeps it out without a stall
        s.onBlockSent(2, PIECE, PIECE);
        s.onBlockSent(3, PIECE, PIECE);
        assertThat(s.debt()).isEqualTo(3 * PIECE);
        assertThat(s.overExposed()).isTrue();
        s.onPayment(pay(2, 4 * PIECE));
        assertThat(s.overExposed()).isFalse();
        assertThat(s.debt()).isZero();
    }

    @Test
    void aPieceSentAgainAfterAFailedHashIsBilledOnce() {
        PayeeFlow s = fundedSeller(4, 100_000_000);
        s.onResultDelivered(1_048_576);
        s.onBlockSent(7, PIECE, PIECE);
        s.onBlockSent(7, PIECE, PIECE / 2); // the buyer's copy failed: sent again
        s.onBlockSent(7, PIECE, PIECE / 2);
        assertThat(s.owed()).isEqualTo(PIECE);
    }

    @Test
    void theSellerClosesOnLeaveOnCompletionAndBeforeExpiryOnce() {
        PayeeFlow s = fundedSeller(2, 1_000_000);
        s.onResultDelivered(1_048_576);
        s.onBlockSent(0, PIECE, PIECE);
        s.onPayment(pay(1, PIECE));
        assertThat(s.onTick(T0 + DAY - HOUR - 1)).isEmpty();
        List<MarketAction> close = s.onTick(T0 + DAY - HOUR);
        assertThat(close).hasSize(1);
        assertThat(((MarketAction.CloseChannel) close.getFirst()).amount()).isEqualTo(PIECE);
        assertThat(s.onPeerLeft()).as("each channel is closed once").isEmpty();
        assertThat(fundedSeller(2, 1_000_000).onPeerLeft()).containsExactly(new MarketAction.CloseChannel(ch1, null));
        assertThat(fundedSeller(2, 1_000_000).onPeerComplete()).containsExactly(new MarketAction.CloseChannel(ch1, null));
    }

    @Test
    void anUnknownChannelIsRefusedAsNoChannelAndAnUnreachableLedgerAsLedger() {
        PayeeFlow s = seller(2);
        s.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), 1_000, T0 + DAY));
        assertThat(PayeeFlowTest.errorCode(s.onChannelNotFound(ch1))).isEqualTo(io.btspeed.market.wire.ErrorCode.NO_CHANNEL.code());
        assertThat(s.phase()).isEqualTo(PayeeFlow.Phase.UNFUNDED);
        s.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch2.bytes(), 1_000, T0 + DAY));
        assertThat(PayeeFlowTest.errorCode(s.onChannelLookupFailed(ch2))).isEqualTo(io.btspeed.market.wire.ErrorCode.LEDGER.code());
    }

    @Test
    void theDefaultExposureCovers32MiBPlusTwoPieces() {
        assertThat(Exposure.defaultPieces(16 * 1024)).isEqualTo(2048 + 2);
        assertThat(Exposure.defaultPieces(256 * 1024)).isEqualTo(128 + 2);
        assertThat(Exposure.defaultPieces(2L << 20)).isEqualTo(16 + 2);
        assertThat(Exposure.defaultPieces(3L << 20)).as("rounded up").isEqualTo(11 + 2);
        assertThat(Exposure.defaultPieces(16L << 20)).isEqualTo(2 + 2);
        assertThat(Exposure.defaultPieces(64L << 20)).as("a piece larger than the buffering").isEqualTo(1 + 2);
        assertThat(PayeeFlow.Config.defaults(1L << 20).exposurePieces()).isEqualTo(34);
    }
}
