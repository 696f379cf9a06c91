package io.btspeed.market.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.wire.ErrorCode;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seller's flow towards one buyer, event by event, with exact amounts. */
class PayeeFlowTest {
    static final long PIECE = 256 * 1024;
    static final long T0 = 1_700_000_000_000L;
    static final long HOUR = 60 * 60 * 1000L;
    static final long PRICE = 1_048_576; // one base unit per byte: a piece costs 262,144
    final KeyPair payer = KeyPair.fromPrivateKey(BigInteger.valueOf(31));
    final KeyPair payee = KeyPair.fromPrivateKey(BigInteger.valueOf(32));
    final KeyPair stranger = KeyPair.fromPrivateKey(BigInteger.valueOf(33));
    final ChannelId ch1 = PayerFlowTest.id(1), ch2 = PayerFlowTest.id(2);

    PayeeFlow flow() {
        return new PayeeFlow(payee.address(), payer.address(), new PayeeFlow.Config(2, PIECE, PayeeFlow.CLOSE_MARGIN_MILLIS));
    }

    ChannelInfo info(ChannelId id, KeyPair from, KeyPair to, long escrow, long expires, ChannelInfo.Status status) {
        return new ChannelInfo(id, from.address(), PublicKey.of(from.publicKey()), to.address(), escrow, expires, status, 0, 0, "");
    }

    SpeedMessage.Payment pay(ChannelId ch, long seq, long amount, KeyPair signer) {
        return new SpeedMessage.Payment(ch.bytes(), seq, amount, new ChannelState(ch.bytes(), seq, amount).sign(signer).signature().encode());
    }

    static int errorCode(List<MarketAction> a) {
        assertThat(a).hasSize(1);
        return ((SpeedMessage.Error) ((MarketAction.Send) a.getFirst()).message()).code();
    }

    PayeeFlow funded(long escrow) {
        PayeeFlow f = flow();
        assertThat(f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), escrow, T0 + 24 * HOUR)))
                .containsExactly(new MarketAction.LookUpChannel(ch1));
        assertThat(f.phase()).isEqualTo(PayeeFlow.Phase.CHECKING);
        assertThat(f.onChannelChecked(info(ch1, payer, payee, escrow, T0 + 24 * HOUR, ChannelInfo.Status.OPEN), T0)).isEmpty();
        assertThat(f.phase()).isEqualTo(PayeeFlow.Phase.FUNDED);
        return f;
    }

    @Test
    void servedPaidAcknowledgedAndClosedWithTheBestState() {
        PayeeFlow f = funded(5_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        assertThat(f.debt()).isEqualTo(262_144);
        assertThat(f.exposureLimit()).isEqualTo(524_288);
        assertThat(f.onPayment(pay(ch1, 1, 262_144, payer)))
                .containsExactly(new MarketAction.Send(new SpeedMessage.Ack(ch1.bytes(), 1, 0)));
        // billed per block: the piece is owed once, at floor(price × bytes of it ÷ MiB)
        f.onServed(1, PIECE, 16_384, 3);
        f.onServed(1, PIECE, PIECE - 16_384, 3);
        assertThat(f.owed()).isEqualTo(262_144 + 0); // 3 units per MiB for a quarter MiB rounds down to 0
        f.onServed(2, PIECE, PIECE, PRICE);
        assertThat(f.onPayment(pay(ch1, 2, 524_288, payer)))
                .containsExactly(new MarketAction.Send(new SpeedMessage.Ack(ch1.bytes(), 2, 0)));
        assertThat(f.paid()).isEqualTo(524_288);
        List<MarketAction> close = f.onPeerLeft();
        assertThat(close).hasSize(1);
        MarketAction.CloseChannel c = (MarketAction.CloseChannel) close.getFirst();
        assertThat(c.channel()).isEqualTo(ch1);
        assertThat(c.amount()).isEqualTo(524_288);
        assertThat(c.best().state().sequence()).isEqualTo(2);
        assertThat(f.onPeerComplete()).as("closed once").isEmpty();
        assertThat(f.phase()).isEqualTo(PayeeFlow.Phase.CLOSED);
        assertThat(errorCode(f.onPayment(pay(ch1, 3, 600_000, payer)))).isEqualTo(ErrorCode.CHANNEL_CLOSED.code());
    }

    @Test
    void aBuyerThatWithdrawsItsBidIsSettledOnceItsLastPaymentIsIn() {
        PayeeFlow f = funded(5_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        // bid 0 with the last piece unpaid: its payment may be on the way behind the bid, so wait
        assertThat(f.onBid(0, T0)).isEmpty();
        assertThat(f.onTick(T0 + 1_000)).isEmpty();
        f.onPayment(pay(ch1, 1, 262_144, payer));
        assertThat(f.onTick(T0 + PayeeFlow.SETTLE_QUIET_MILLIS - 1)).as("a state beyond the bill may still come").isEmpty();
        // it does: a piece whose blocks left before its winning result reached the buyer, paid all the same
        f.onPayment(pay(ch1, 2, 300_000, payer));
        List<MarketAction> close = f.onTick(T0 + PayeeFlow.SETTLE_QUIET_MILLIS);
        assertThat(close).hasSize(1);
        assertThat(((MarketAction.CloseChannel) close.getFirst()).amount()).isEqualTo(300_000);
        assertThat(f.onTick(T0 + 5_000)).as("closed once").isEmpty();
        assertThat(f.onPeerLeft()).isEmpty();
    }

    @Test
    void aBuyerThatBidsAgainBeforeSettlingKeepsItsChannelAndANeverPayingOneIsSettledAfterTheWait() {
        PayeeFlow f = funded(5_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        f.onBid(0, T0);
        assertThat(f.onBid(1_000, T0 + 500)).isEmpty();
        assertThat(f.onTick(T0 + PayeeFlow.SETTLE_WAIT_MILLIS + 1_000)).as("it buys again: the channel stays").isEmpty();
        assertThat(f.phase()).isNotEqualTo(PayeeFlow.Phase.CLOSED);
        // withdrawn for good, never paying: settled with what was paid (nothing) once the wait is over
        f.onBid(0, T0 + 60_000);
        assertThat(f.onTick(T0 + 60_000 + PayeeFlow.SETTLE_WAIT_MILLIS - 1)).isEmpty();
        assertThat(f.onTick(T0 + 60_000 + PayeeFlow.SETTLE_WAIT_MILLIS)).containsExactly(new MarketAction.CloseChannel(ch1, null));
    }

    @Test
    void aCompleteBuyerWithNothingOwedIsSettledSoonAndALaterBidDoesNotUndoIt() {
        PayeeFlow f = funded(5_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        f.onPayment(pay(ch1, 1, 262_144, payer));
        assertThat(f.onBuyerComplete(T0)).isEmpty();
        assertThat(f.onTick(T0 + PayeeFlow.SETTLE_QUIET_MILLIS)).hasSize(1);
        assertThat(f.phase()).isEqualTo(PayeeFlow.Phase.CLOSED);
        PayeeFlow g = funded(5_000_000);
        g.onServed(0, PIECE, PIECE, PRICE);
        assertThat(g.onBuyerComplete(T0)).as("its last payment is still owed").isEmpty();
        g.onBid(5_000, T0 + 100);
        assertThat(g.onTick(T0 + PayeeFlow.SETTLE_WAIT_MILLIS)).as("complete stays complete").hasSize(1);
    }

    @Test
    void aBuyerThatStopsPayingIsCutOffAtTheLimit() {
        PayeeFlow f = funded(5_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        f.onPayment(pay(ch1, 1, 262_144, payer));
        // it stops paying: a first and a second piece may go out, a third would pass 2 pieces of debt
        assertThat(f.mayServe(PIECE, PRICE)).isTrue();
        f.onServed(1, PIECE, PIECE, PRICE);
        assertThat(f.shouldChoke()).isFalse();
        assertThat(f.mayServe(PIECE, PRICE)).isTrue();
        f.onServed(2, PIECE, PIECE, PRICE);
        assertThat(f.debt()).isEqualTo(524_288).isEqualTo(f.exposureLimit());
        assertThat(f.mayServe(PIECE, PRICE)).isFalse();
        assertThat(f.mayServe(1, PRICE)).as("not even a byte more").isFalse();
        assertThat(f.shouldChoke()).isTrue();
        assertThat(f.overExposed()).as("at the limit, not past it").isFalse();
        assertThat(f.phase()).isEqualTo(PayeeFlow.Phase.OVER_EXPOSED);
        // paying one piece opens the way for one more
        f.onPayment(pay(ch1, 2, 524_288, payer));
        assertThat(f.debt()).isEqualTo(262_144);
        assertThat(f.shouldChoke()).isFalse();
    }

    @Test
    void forgedReplayedOverEscrowAndForeignStatesAreRefusedAndChangeNothing() {
        PayeeFlow f = funded(1_000);
        f.onServed(0, PIECE, 1_000, PRICE);
        assertThat(f.onPayment(pay(ch1, 1, 100, payer))).hasSize(1).first().extracting(a -> ((MarketAction.Send) a).message())
                .isInstanceOf(SpeedMessage.Ack.class);
        assertThat(errorCode(f.onPayment(pay(ch1, 1, 100, payer)))).as("replay").isEqualTo(ErrorCode.STALE_SEQUENCE.code());
        assertThat(errorCode(f.onPayment(pay(ch1, 2, 200, stranger)))).as("forged").isEqualTo(ErrorCode.BAD_SIGNATURE.code());
        assertThat(errorCode(f.onPayment(pay(ch1, 2, 50, payer)))).isEqualTo(ErrorCode.AMOUNT_DECREASED.code());
        assertThat(errorCode(f.onPayment(pay(ch1, 2, 1_001, payer)))).isEqualTo(ErrorCode.OVER_ESCROW.code());
        assertThat(errorCode(f.onPayment(pay(ch2, 2, 200, payer)))).isEqualTo(ErrorCode.WRONG_CHANNEL.code());
        // a valid signature over different numbers
        SpeedMessage.Payment good = pay(ch1, 3, 300, payer);
        assertThat(errorCode(f.onPayment(new SpeedMessage.Payment(ch1.bytes(), 3, 900, good.signature()))))
                .isEqualTo(ErrorCode.BAD_SIGNATURE.code());
        assertThat(f.paid()).isEqualTo(100);
        assertThat(f.best().state().sequence()).isEqualTo(1);
        assertThat(f.onPayment(good)).hasSize(1);
        assertThat(f.paid()).isEqualTo(300);
    }

    @Test
    void announcedChannelsAreCheckedAgainstTheLedger() {
        long exp = T0 + 24 * HOUR;
        record Case(String why, ChannelInfo info) {}
        for (Case c : List.of(
                new Case("not from the payer", info(ch1, stranger, payee, 1_000, exp, ChannelInfo.Status.OPEN)),
                new Case("not to us", info(ch1, payer, stranger, 1_000, exp, ChannelInfo.Status.OPEN)),
                new Case("escrow differs", info(ch1, payer, payee, 999, exp, ChannelInfo.Status.OPEN)),
                new Case("closed", info(ch1, payer, payee, 1_000, exp, ChannelInfo.Status.CLOSED)),
                new Case("expires within the margin", info(ch1, payer, payee, 1_000, T0 + HOUR, ChannelInfo.Status.OPEN)))) {
            PayeeFlow f = flow();
            f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), 1_000, exp));
            assertThat(errorCode(f.onChannelChecked(c.info(), T0))).as(c.why()).isEqualTo(ErrorCode.NO_CHANNEL.code());
            assertThat(f.channel()).as(c.why()).isNull();
            assertThat(errorCode(f.onPayment(pay(ch1, 1, 10, payer)))).as(c.why()).isEqualTo(ErrorCode.NO_CHANNEL.code());
        }
        PayeeFlow f = flow();
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), 1_000, exp));
        assertThat(errorCode(f.onChannelLookupFailed(ch1))).isEqualTo(ErrorCode.LEDGER.code());
        assertThat(f.onChannelLookupFailed(ch2)).as("not the one being checked").isEmpty();
    }

    @Test
    void aStateThatRacesAheadOfTheCheckIsJudgedAfterIt() {
        PayeeFlow f = flow();
        f.onServed(0, PIECE, PIECE, PRICE);
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), 1_000_000, T0 + 24 * HOUR));
        assertThat(f.onPayment(pay(ch1, 1, 100_000, payer))).isEmpty();
        assertThat(f.onPayment(pay(ch1, 2, 262_144, payer))).isEmpty();
        List<MarketAction> a = f.onChannelChecked(info(ch1, payer, payee, 1_000_000, T0 + 24 * HOUR, ChannelInfo.Status.OPEN), T0);
        assertThat(a).containsExactly(new MarketAction.Send(new SpeedMessage.Ack(ch1.bytes(), 2, 0)));
        assertThat(f.paid()).isEqualTo(262_144);
    }

    @Test
    void aNewChannelSettlesTheOldOneAndChannelsCloseBeforeExpiry() {
        PayeeFlow f = funded(1_000_000);
        f.onServed(0, PIECE, PIECE, PRICE);
        f.onPayment(pay(ch1, 1, 262_144, payer));
        long exp2 = T0 + 48 * HOUR;
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch2.bytes(), 2_000_000, exp2));
        List<MarketAction> a = f.onChannelChecked(info(ch2, payer, payee, 2_000_000, exp2, ChannelInfo.Status.OPEN), T0);
        assertThat(a).hasSize(1);
        assertThat(((MarketAction.CloseChannel) a.getFirst()).channel()).isEqualTo(ch1);
        assertThat(((MarketAction.CloseChannel) a.getFirst()).amount()).isEqualTo(262_144);
        f.onServed(1, PIECE, PIECE, PRICE);
        assertThat(f.onPayment(pay(ch2, 1, 262_144, payer))).hasSize(1);
        assertThat(f.paid()).as("over both channels").isEqualTo(524_288);
        assertThat(f.debt()).isZero();
        // one hour before ch2 expires it is closed with its best state
        assertThat(f.onTick(exp2 - HOUR - 1)).isEmpty();
        List<MarketAction> close = f.onTick(exp2 - HOUR);
        assertThat(((MarketAction.CloseChannel) close.getFirst()).amount()).isEqualTo(262_144);
        assertThat(f.onTick(exp2 - HOUR + 1)).isEmpty();
    }

    @Test
    void aChannelNobodyPaidInClosesEmpty() {
        PayeeFlow f = funded(1_000);
        assertThat(f.onPeerComplete()).containsExactly(new MarketAction.CloseChannel(ch1, null));
    }

    /** A buyer that fills one channel announces the next before the seller's lookup of the first returns: both states count. */
    @Test
    void aSecondChannelAnnouncedDuringTheFirstCheckWaitsAndNoStateIsLost() {
        PayeeFlow f = flow();
        long exp = T0 + 24 * HOUR;
        assertThat(f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch1.bytes(), 262_144, exp))).containsExactly(new MarketAction.LookUpChannel(ch1));
        assertThat(f.onPayment(pay(ch1, 1, 262_144, payer))).isEmpty(); // held
        assertThat(f.onChannelAnnounced(new SpeedMessage.ChannelOpened(ch2.bytes(), 1_000, exp))).isEmpty(); // waits
        assertThat(f.onPayment(pay(ch2, 1, 1, payer))).isEmpty(); // held for the waiting channel
        List<MarketAction> first = f.onChannelChecked(info(ch1, payer, payee, 262_144, exp, ChannelInfo.Status.OPEN), T0);
        assertThat(first).containsExactly(new MarketAction.Send(new SpeedMessage.Ack(ch1.bytes(), 1, 0)), new MarketAction.LookUpChannel(ch2));
        List<MarketAction> second = f.onChannelChecked(info(ch2, payer, payee, 1_000, exp, ChannelInfo.Status.OPEN), T0);
        assertThat(second).hasSize(2);
        assertThat(((MarketAction.CloseChannel) second.getFirst()).amount()).isEqualTo(262_144);
        assertThat(second.get(1)).isEqualTo(new MarketAction.Send(new SpeedMessage.Ack(ch2.bytes(), 1, 0)));
        assertThat(f.paid()).isEqualTo(262_145);
        // a flood of announcements is bounded
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(PayerFlowTest.id(3).bytes(), 5, exp));
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(PayerFlowTest.id(4).bytes(), 5, exp));
        f.onChannelAnnounced(new SpeedMessage.ChannelOpened(PayerFlowTest.id(5).bytes(), 5, exp));
        assertThat(errorCode(f.onChannelAnnounced(new SpeedMessage.ChannelOpened(PayerFlowTest.id(6).bytes(), 5, exp))))
                .isEqualTo(ErrorCode.NO_CHANNEL.code());
    }
}
