package io.btspeed.market.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.crypto.Signature;
import io.btspeed.market.wire.ErrorCode;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buyer's flow towards one uploader, event by event, with exact amounts. */
class PayerFlowTest {
    static final long PIECE = 256 * 1024;
    static final long T0 = 1_700_000_000_000L;
    static final long DAY = 24L * 60 * 60 * 1000;
    final KeyPair payer = KeyPair.fromPrivateKey(BigInteger.valueOf(21));
    final KeyPair payee = KeyPair.fromPrivateKey(BigInteger.valueOf(22));
    final ChannelId ch1 = id(1), ch2 = id(2);

    static ChannelId id(int b) {
        byte[] x = new byte[32];
        x[31] = (byte) b;
        return new ChannelId(x);
    }

    PayerFlow flow() {
        return new PayerFlow(payee.address(), s -> s.sign(payer), PayerFlow.Config.defaults(PIECE));
    }

    static SpeedMessage.Result won(long round, long price) {
        return new SpeedMessage.Result(round, true, price, "lowest-winning", 1);
    }

    static SpeedMessage.Payment payment(List<MarketAction> actions) {
        assertThat(actions).hasSize(1);
        return (SpeedMessage.Payment) ((MarketAction.Send) actions.getFirst()).message();
    }

    static SpeedMessage.Result lost(long round) {
        return new SpeedMessage.Result(round, false, 0, "lowest-winning", 1);
    }

    @Test
    void idleEscrowIsGivenBackAndOpensAgainOnlyOnAWin() {
        PayerFlow f = flow();
        // bids 1,048,576 per MiB (a piece costs 262,144), opens at the bid, wins, pays a piece
        assertThat(f.onBid(1_048_576, 10_000_000, 8 * PIECE, T0)).contains(new MarketAction.OpenChannel(payee.address(), 2_097_152, T0 + DAY));
        f.onChannelOpened(ch1, 2_097_152, T0 + DAY);
        f.onResult(won(1, 1_048_576), 10_000_000, 8 * PIECE, T0);
        assertThat(f.releasable()).as("winning here").isFalse();
        assertThat(f.release()).isEmpty();
        payment(f.onPieceVerified(PIECE, 10_000_000, 7 * PIECE, T0));

        // it loses the next round: the unspent 1,835,008 can go back
        f.onResult(lost(2), 10_000_000, 7 * PIECE, T0);
        assertThat(f.releasable()).isTrue();
        assertThat(f.release()).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(0)));
        assertThat(f.remainingEscrow()).as("no longer counted: the seller returns it").isZero();
        assertThat(f.channel()).isNull();
        assertThat(f.release()).as("once").isEmpty();

        // the autobid bids again: the bid goes out, but no channel opens until a win
        assertThat(f.onBid(1_048_576, 10_000_000, 7 * PIECE, T0 + 1_000))
                .containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(1_048_576)));
        assertThat(f.onResult(won(3, 1_048_576), 10_000_000, 7 * PIECE, T0 + 2_000))
                .containsExactly(new MarketAction.OpenChannel(payee.address(), 1_835_008, T0 + 2_000 + DAY));
    }

    @Test
    void anUnfundedDebtIsFundedWhenEscrowCameBack() {
        PayerFlow f = flow();
        f.rebid(1_048_576);
        f.onResult(won(1, 1_048_576), 10_000_000, 8 * PIECE, T0);
        f.onChannelOpened(ch1, 262_144, T0 + DAY);
        payment(f.onPieceVerified(PIECE, 0, 7 * PIECE, T0));
        // the channel is full and nothing may be locked: the second piece stays owed, the bid is withdrawn
        assertThat(f.onPieceVerified(PIECE, 0, 6 * PIECE, T0)).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(0)));
        assertThat(f.unpaid()).isEqualTo(262_144);
        assertThat(f.retryFunding(100_000, 6 * PIECE, T0)).as("still too little").isEmpty();
        // escrow released elsewhere came back: a channel for the debt and the expected need
        assertThat(f.retryFunding(5_000_000, 6 * PIECE, T0 + 1_000))
                .containsExactly(new MarketAction.OpenChannel(payee.address(), 1_572_864, T0 + 1_000 + DAY));
        assertThat(f.releasable()).as("it owes here").isFalse();
    }

    @Test
    void bidWinOpenPayExactly() {
        PayerFlow f = flow();
        assertThat(f.phase()).isEqualTo(PayerFlow.Phase.IDLE);
        assertThat(f.rebid(1_000_000)).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(1_000_000)));
        assertThat(f.rebid(1_100_000)).as("a 10 % move is not worth a message").isEmpty();
        assertThat(f.phase()).isEqualTo(PayerFlow.Phase.BIDDING);

        // first win at 800,000 per MiB with 100 MiB left and 50,000,000 spendable: escrow = min(spendable, need)
        List<MarketAction> a = f.onResult(won(1, 800_000), 50_000_000, 100L << 20, T0);
        assertThat(a).containsExactly(new MarketAction.OpenChannel(payee.address(), 50_000_000, T0 + DAY));
        assertThat(f.phase()).isEqualTo(PayerFlow.Phase.WON_UNFUNDED);
        assertThat(f.onResult(won(1, 800_000), 50_000_000, 100L << 20, T0)).as("same round again").isEmpty();
        assertThat(f.onResult(won(2, 800_000), 50_000_000, 100L << 20, T0)).as("already opening").isEmpty();

        // a piece verified before the channel is open is owed and paid into it first
        assertThat(f.onPieceVerified(PIECE, 0, 99L << 20, T0)).isEmpty();
        assertThat(f.unpaid()).isEqualTo(200_000);
        List<MarketAction> opened = f.onChannelOpened(ch1, 50_000_000, T0 + DAY);
        assertThat(opened.getFirst()).isEqualTo(new MarketAction.Send(new SpeedMessage.ChannelOpened(ch1.bytes(), 50_000_000, T0 + DAY)));
        SpeedMessage.Payment p1 = (SpeedMessage.Payment) ((MarketAction.Send) opened.get(1)).message();
        assertThat(p1.sequence()).isEqualTo(1);
        assertThat(p1.cumulative()).isEqualTo(200_000);
        assertThat(f.phase()).isEqualTo(PayerFlow.Phase.PAYING);

        // 256 KiB at 800,000 per MiB = 200,000; a failed piece is never paid
        assertThat(f.onPieceFailed(PIECE)).isEmpty();
        SpeedMessage.Payment p2 = payment(f.onPieceVerified(PIECE, 0, 98L << 20, T0 + 1));
        assertThat(p2.sequence()).isEqualTo(2);
        assertThat(p2.cumulative()).isEqualTo(400_000);
        // the signature is the payer's over the ledger's ChannelState digest
        ChannelState.Signed s = new ChannelState.Signed(new ChannelState(p2.channelId(), 2, 400_000), Signature.decode(p2.signature()));
        assertThat(s.verify(PublicKey.of(payer.publicKey()))).isTrue();
        // a short last piece: floor(800,000 × 1,000 ÷ 1,048,576) = 762
        assertThat(payment(f.onPieceVerified(1_000, 0, 0, T0 + 2)).cumulative()).isEqualTo(400_762);
        assertThat(f.spent()).isEqualTo(400_762);
        assertThat(f.remainingEscrow()).isEqualTo(50_000_000 - 400_762);

        // losing a round: later pieces from this uploader came through free slots and cost nothing
        assertThat(f.onResult(new SpeedMessage.Result(3, false, 900_000, "lowest-winning", 1), 0, 0, T0)).isEmpty();
        assertThat(f.onPieceVerified(PIECE, 0, 0, T0)).isEmpty();
        assertThat(f.spent()).isEqualTo(400_762);
    }

    @Test
    void aFullChannelIsFilledAndTheRestGoesIntoANewOne() {
        PayerFlow f = flow();
        f.rebid(1_048_576);
        // spendable 700,000: escrow = the whole of it (need for 10 MiB is 10,485,760)
        assertThat(f.onResult(won(1, 1_048_576), 700_000, 10L << 20, T0))
                .containsExactly(new MarketAction.OpenChannel(payee.address(), 700_000, T0 + DAY));
        f.onChannelOpened(ch1, 700_000, T0 + DAY);
        assertThat(payment(f.onPieceVerified(PIECE, 0, 9L << 20, T0)).cumulative()).isEqualTo(262_144);
        assertThat(payment(f.onPieceVerified(PIECE, 0, 9L << 20, T0)).cumulative()).isEqualTo(524_288);
        // third piece: 175,712 fits, 86,432 waits; a new channel for the need of 8 MiB within 2,000,000 spendable
        List<MarketAction> a = f.onPieceVerified(PIECE, 2_000_000, 8L << 20, T0);
        assertThat(((SpeedMessage.Payment) ((MarketAction.Send) a.get(0)).message()).cumulative()).isEqualTo(700_000);
        assertThat(a.get(1)).isEqualTo(new MarketAction.OpenChannel(payee.address(), 2_000_000, T0 + DAY));
        assertThat(f.unpaid()).isEqualTo(86_432);
        List<MarketAction> opened = f.onChannelOpened(ch2, 2_000_000, T0 + DAY);
        SpeedMessage.Payment carried = (SpeedMessage.Payment) ((MarketAction.Send) opened.get(1)).message();
        assertThat(carried.channelId()).isEqualTo(ch2.bytes());
        assertThat(carried.sequence()).isEqualTo(1);
        assertThat(carried.cumulative()).isEqualTo(86_432);
        assertThat(f.spent()).isEqualTo(3 * 262_144);
        assertThat(f.funded()).extracting(PayerFlow.Funded::channel).containsExactly(ch1, ch2);
    }

    @Test
    void paysFromChannelSaysExactlyWhenAPieceNeedsNothingButAPayment() {
        PayerFlow f = flow();
        f.rebid(1_048_576);
        assertThat(f.paysFromChannel(PIECE, T0)).as("not won yet").isFalse();
        f.onResult(won(1, 1_048_576), 700_000, 10L << 20, T0);
        assertThat(f.paysFromChannel(PIECE, T0)).as("won, channel still opening").isFalse();
        f.onChannelOpened(ch1, 700_000, T0 + DAY);
        for (int i = 0; i < 2; i++) {
            assertThat(f.paysFromChannel(PIECE, T0)).isTrue();
            assertThat(f.onPieceVerified(PIECE, 0, 9L << 20, T0)).hasSize(1).first().isInstanceOf(MarketAction.Send.class);
        }
        // 175,712 left: the third piece (262,144) does not fit, and would ask for a channel
        assertThat(f.paysFromChannel(PIECE, T0)).isFalse();
        assertThat(f.onPieceVerified(PIECE, 2_000_000, 8L << 20, T0)).anyMatch(a -> a instanceof MarketAction.OpenChannel);
        f.onChannelOpened(ch2, 10_000_000, T0 + DAY);
        assertThat(f.paysFromChannel(PIECE, T0)).isTrue();
        assertThat(f.paysFromChannel(PIECE, T0 + DAY - 2 * 60 * 60 * 1000)).as("within the expiry margin").isFalse();
        // at a price the flow is about to be told: the 9,913,568 left (86,432 went in at opening) take a piece at 37 MiB-prices, not at 38
        assertThat(f.paysFromChannel(PIECE, 37L * 1_048_576, T0)).isTrue();
        assertThat(f.paysFromChannel(PIECE, 38L * 1_048_576, T0)).isFalse();
        f.onResult(lost(2), 0, 0, T0);
        assertThat(f.paysFromChannel(PIECE, T0)).as("lost the slot").isFalse();
        assertThat(f.paysFromChannel(PIECE, 1_048_576, T0)).as("the channel itself still takes it").isTrue();
    }

    @Test
    void withNothingLeftToSpendTheBidIsWithdrawnInsteadOfOpening() {
        PayerFlow f = flow();
        f.rebid(500);
        assertThat(f.onResult(won(1, 500), 0, 10L << 20, T0)).containsExactly(new MarketAction.Send(new SpeedMessage.BidMsg(0)));
        assertThat(f.standingBid()).isZero();
        assertThat(f.phase()).isEqualTo(PayerFlow.Phase.WON_UNFUNDED);
    }

    @Test
    void aPriceAboveOurBidIsRefused() {
        PayerFlow f = flow();
        f.rebid(1_000);
        List<MarketAction> a = f.onResult(won(1, 1_001), 1_000_000, 1L << 30, T0);
        assertThat(a).hasSize(1);
        assertThat(((SpeedMessage.Error) ((MarketAction.Send) a.getFirst()).message()).code()).isEqualTo(ErrorCode.PRICE_ABOVE_BID.code());
        assertThat(f.won()).isFalse();
        // a bid lowered while the round cleared at the old one is honoured once
        f.rebid(500);
        assertThat(f.onResult(won(2, 900), 1_000_000, 1L << 30, T0)).hasSize(1).first().isInstanceOf(MarketAction.OpenChannel.class);
    }

    @Test
    void aChannelNearExpiryIsLeftAndExpiredOnesAreReclaimed() {
        PayerFlow f = flow();
        f.rebid(1_048_576);
        f.onResult(won(1, 1_048_576), 10_000_000, 100L << 20, T0);
        f.onChannelOpened(ch1, 10_000_000, T0 + DAY);
        assertThat(payment(f.onPieceVerified(PIECE, 10_000_000, 99L << 20, T0 + 1_000)).channelId()).isEqualTo(ch1.bytes());
        // two hours before expiry the flow stops paying into ch1 and asks for a new channel
        long late = T0 + DAY - 2 * 60 * 60 * 1000;
        assertThat(f.onPieceVerified(PIECE, 10_000_000, 98L << 20, late))
                .containsExactly(new MarketAction.OpenChannel(payee.address(), 10_000_000, late + DAY));
        f.onChannelOpened(ch2, 10_000_000, late + DAY);
        assertThat(f.onTick(T0 + DAY - 1)).isEmpty();
        assertThat(f.onTick(T0 + DAY)).containsExactly(new MarketAction.RefundExpired(ch1));
        assertThat(f.onTick(T0 + DAY + 5)).as("asked once").isEmpty();
        // the payee closed the current channel: the next piece goes into a new one
        f.onError(ErrorCode.CHANNEL_CLOSED.message("closed"));
        assertThat(f.onPieceVerified(PIECE, 1_000_000, 97L << 20, late + 10)).containsExactly(
                new MarketAction.OpenChannel(payee.address(), 1_000_000, late + 10 + DAY));
    }

    @Test
    void freeWinsCostNothing() {
        PayerFlow f = flow();
        f.rebid(10);
        // highest-losing with fewer bidders than slots and no reserve: price 0, nothing to open or pay
        assertThat(f.onResult(new SpeedMessage.Result(1, true, 0, "highest-losing", 1), 1_000, 1L << 20, T0)).isEmpty();
        assertThat(f.onPieceVerified(PIECE, 1_000, 0, T0)).isEmpty();
        assertThat(f.spent()).isZero();
    }
}
