package io.btspeed.market.pay;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.PublicKey;
import io.btspeed.ledger.op.ChannelState;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Payer and payee books driven piece by piece, with real signatures, honest and dishonest. */
class PaymentFlowTest {
    static final long PIECE = 256 * 1024;
    final KeyPair payer = KeyPair.fromPrivateKey(BigInteger.valueOf(11));
    final KeyPair other = KeyPair.fromPrivateKey(BigInteger.valueOf(12));
    final ChannelId ch = new ChannelId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32});

    @Test
    void honestExchangeTotalPaidEqualsPriceTimesVerifiedBytes() {
        PayerAccount down = new PayerAccount(s -> s.sign(payer));
        PayeeAccount up = new PayeeAccount(Pricing.cost(1_000_000, 2 * PIECE));
        down.channelOpened(ch, 50_000_000);
        up.channelOpened(ch, PublicKey.of(payer.publicKey()), 50_000_000);
        Random rnd = new Random(3);
        long expected = 0;
        for (int piece = 0; piece < 100; piece++) {
            long price = 100_000 + rnd.nextInt(900_000);
            long bytes = piece == 99 ? 12_345 : PIECE;
            up.served(bytes, price);
            expected += Pricing.cost(price, bytes);
            if (rnd.nextInt(10) == 0) continue; // this piece failed its hash at the payer: never paid, re-served
            PayerAccount.Next next = down.pieceVerified(bytes, price);
            assertThat(next).isInstanceOf(PayerAccount.Pay.class);
            assertThat(up.receive(((PayerAccount.Pay) next).state())).isNull();
        }
        // failed pieces were served but not paid: that is the payee's exposure, bounded by the limit per round
        assertThat(down.spent()).isEqualTo(up.paid());
        assertThat(up.owed()).isEqualTo(expected);
        assertThat(up.best().state().cumulativeAmount()).isEqualTo(down.spent());
    }

    @Test
    void aLeecherThatStopsPayingIsOverExposedWithinTheLimit() {
        long price = 1_000_000; // per MiB: a 256 KiB piece costs 250,000
        PayeeAccount up = new PayeeAccount(Pricing.cost(price, 2 * PIECE));
        up.channelOpened(ch, PublicKey.of(payer.publicKey()), 10_000_000);
        PayerAccount down = new PayerAccount(s -> s.sign(payer));
        down.channelOpened(ch, 10_000_000);
        for (int i = 0; i < 3; i++) {
            up.served(PIECE, price);
            assertThat(up.receive(((PayerAccount.Pay) down.pieceVerified(PIECE, price)).state())).isNull();
            assertThat(up.overExposed()).isFalse();
        }
        // now it keeps downloading without paying
        up.served(PIECE, price);
        assertThat(up.overExposed()).isFalse();
        up.served(PIECE, price);
        assertThat(up.debt()).isEqualTo(500_000);
        assertThat(up.overExposed()).as("two pieces unpaid: at the limit, not over").isFalse();
        up.served(PIECE, price);
        assertThat(up.overExposed()).isTrue();
        assertThat(up.debt()).isLessThanOrEqualTo(Pricing.cost(price, 3 * PIECE));
    }

    @Test
    void forgedReplayedDecreasingAndOverEscrowStatesAreRejected() {
        PayeeAccount up = new PayeeAccount(0);
        assertThat(up.receive(new ChannelState(ch.bytes(), 1, 1).sign(payer))).isEqualTo(PayeeAccount.Rejection.NO_CHANNEL);
        up.channelOpened(ch, PublicKey.of(payer.publicKey()), 1_000);
        ChannelState.Signed s1 = new ChannelState(ch.bytes(), 1, 100).sign(payer);
        assertThat(up.receive(s1)).isNull();
        assertThat(up.receive(s1)).as("replay").isEqualTo(PayeeAccount.Rejection.STALE_SEQUENCE);
        assertThat(up.receive(new ChannelState(ch.bytes(), 2, 200).sign(other))).as("forged").isEqualTo(PayeeAccount.Rejection.BAD_SIGNATURE);
        assertThat(up.receive(new ChannelState(ch.bytes(), 2, 50).sign(payer))).isEqualTo(PayeeAccount.Rejection.AMOUNT_DECREASED);
        assertThat(up.receive(new ChannelState(ch.bytes(), 2, 1_001).sign(payer))).isEqualTo(PayeeAccount.Rejection.OVER_ESCROW);
        assertThat(up.receive(new ChannelState(new byte[32], 2, 200).sign(payer))).isEqualTo(PayeeAccount.Rejection.WRONG_CHANNEL);
        // a tampered amount breaks the signature
        ChannelState.Signed good = new ChannelState(ch.bytes(), 3, 300).sign(payer);
        assertThat(up.receive(new ChannelState.Signed(new ChannelState(ch.bytes(), 3, 900), good.signature())))
                .isEqualTo(PayeeAccount.Rejection.BAD_SIGNATURE);
        assertThat(up.best()).isEqualTo(s1);
        assertThat(up.receive(good)).isNull();
        assertThat(up.paid()).isEqualTo(300);
    }

    @Test
    void thePayeeCountsWhatWasPaidInEveryChannelAndTheRoomLeftInTheCurrentOne() {
        PayeeAccount up = new PayeeAccount(0);
        up.channelOpened(ch, PublicKey.of(payer.publicKey()), 1_000);
        assertThat(up.remainingEscrow()).isEqualTo(1_000);
        assertThat(up.receive(new ChannelState(ch.bytes(), 1, 300).sign(payer))).isNull();
        assertThat(up.paid()).isEqualTo(300);
        assertThat(up.remainingEscrow()).isEqualTo(700);
        ChannelId second = new ChannelId(new byte[32]);
        up.channelOpened(second, PublicKey.of(payer.publicKey()), 500);
        assertThat(up.paid()).as("the first channel's 300 stay paid").isEqualTo(300);
        assertThat(up.remainingEscrow()).isEqualTo(500);
        assertThat(up.receive(new ChannelState(ch.bytes(), 2, 400).sign(payer))).isEqualTo(PayeeAccount.Rejection.WRONG_CHANNEL);
        assertThat(up.receive(new ChannelState(second.bytes(), 1, 200).sign(payer))).as("sequences start again").isNull();
        assertThat(up.paid()).isEqualTo(500);
        assertThat(up.remainingEscrow()).isEqualTo(300);
        assertThat(up.receive(new ChannelState(second.bytes(), 1, 250).sign(payer))).isEqualTo(PayeeAccount.Rejection.STALE_SEQUENCE);
        assertThat(up.receive(new ChannelState(second.bytes(), 2, 150).sign(payer))).isEqualTo(PayeeAccount.Rejection.AMOUNT_DECREASED);
        assertThat(up.paid()).isEqualTo(500);
    }

    @Test
    void anExhaustedChannelIsFilledThenPaymentsContinueInANewOne() {
        PayerAccount down = new PayerAccount(s -> s.sign(payer));
        down.channelOpened(ch, 600_000);
        assertThat(down.pieceVerified(PIECE, 1_000_000)).isInstanceOf(PayerAccount.Pay.class); // 250,000
        assertThat(down.pieceVerified(PIECE, 1_000_000)).isInstanceOf(PayerAccount.Pay.class); // 500,000
        // the third piece fills the channel to 600,000; 150,000 waits for a new channel
        PayerAccount.Pay fill = (PayerAccount.Pay) down.pieceVerified(PIECE, 1_000_000);
        assertThat(fill.amount()).isEqualTo(100_000);
        assertThat(fill.state().state().cumulativeAmount()).isEqualTo(600_000);
        assertThat(down.unpaid()).isEqualTo(150_000);
        assertThat(down.remainingEscrow()).isZero();
        assertThat(down.settle()).isEqualTo(new PayerAccount.NeedChannel(150_000));
        assertThat(down.pieceVerified(PIECE, 1_000_000)).isEqualTo(new PayerAccount.NeedChannel(400_000));
        ChannelId second = new ChannelId(new byte[32]);
        down.channelOpened(second, 1_000_000);
        PayerAccount.Pay p = (PayerAccount.Pay) down.settle();
        assertThat(p.state().state().sequence()).isEqualTo(1);
        assertThat(p.state().state().cumulativeAmount()).isEqualTo(400_000);
        assertThat(down.spent()).isEqualTo(1_000_000);
        assertThat(down.unpaid()).isZero();
        assertThat(PayerAccount.escrowFor(100 * PIECE, 1_000_000, 10_000_000, 4, PIECE)).isEqualTo(10_000_000);
        assertThat(PayerAccount.escrowFor(2 * PIECE, 1_000_000, 10_000_000, 4, PIECE)).isEqualTo(1_000_000);
    }

    @Test
    void pricingRoundsDownExactly() {
        assertThat(Pricing.cost(1_000_000, Pricing.MIB)).isEqualTo(1_000_000);
        assertThat(Pricing.cost(3, 1)).isZero();
        assertThat(Pricing.cost(Long.MAX_VALUE / 2, 1024)).isEqualTo((Long.MAX_VALUE / 2) / 1024);
    }
}
