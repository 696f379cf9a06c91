package io.btspeed.market.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.market.auction.ClearingRule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Buyer and seller flows against each other over the codec and a real embedded ledger. */
@Timeout(60)
class ExchangeTest {
    static final long PIECE = 256 * 1024;
    static final long MIB = 1L << 20;
    /** Short-lived channels, so a download rotates through several and the expiry rules are exercised. */
    static final PayerFlow.Config PAYER = new PayerFlow.Config(10 * 60_000L, 2 * 60_000L, 4, PIECE);
    static final PayeeFlow.Config PAYEE = new PayeeFlow.Config(2, PIECE, 60_000L);

    @TempDir
    Path dir;

    @Test
    void anHonestDownloadSettlesExactlyOnTheLedger() {
        try (Exchange x = new Exchange(dir, 7, ClearingRule.LOWEST_WINNING, 48 * MIB, PIECE, 4, 0, 50_000_000_000L,
                Exchange.Cheat.NONE, 0, PAYER, PAYEE)) {
            x.run(2_000);
            assertThat(x.remaining).isZero();
            assertThat(x.verifiedCost).as("something was bought").isPositive();
            // total paid == Σ price × verified bytes, everywhere it is counted
            assertThat(x.buyer.spent()).isEqualTo(x.verifiedCost);
            assertThat(x.seller.paid()).isEqualTo(x.verifiedCost);
            assertThat(x.paidOnLedger).isEqualTo(x.verifiedCost);
            assertThat(x.ledger.balance(x.sellerKey.address())).isEqualTo(x.verifiedCost);
            assertThat(x.ledger.balance(x.buyerKey.address())).isEqualTo(Exchange.SUPPLY - x.verifiedCost);
            assertThat(x.ledger.openChannels(x.buyerKey.address())).isEmpty();
            assertThat(x.ledger.audit().ok()).as(x.ledger.audit().problems().toString()).isTrue();
            assertThat(x.seller.debt()).isZero();
            assertThat(x.buyer.unpaid()).isZero();
            assertThat(x.errorsToBuyer).isZero();
            // channels of ten minutes over a download of many rounds: several were used, each closed by the seller
            assertThat(x.channelsOpened).isGreaterThanOrEqualTo(2);
            assertThat(x.channelsClosed).isEqualTo(x.channelsOpened);
        }
    }

    /** Property: over random seeds, both rules, hash failures and channel rotation, paid == Σ price × verified bytes. */
    @Test
    void totalPaidIsPriceTimesVerifiedBytesForEverySeed() {
        for (long seed = 1; seed <= 6; seed++) {
            ClearingRule rule = ClearingRule.values()[(int) (seed % 2)];
            double failures = (seed % 3) * 0.02;
            long piece = seed % 2 == 0 ? PIECE : 64 * 1024;
            long total = 8 * MIB + seed * 12_345; // a short last piece
            PayerFlow.Config payer = new PayerFlow.Config(10 * 60_000L, 2 * 60_000L, 4, piece);
            PayeeFlow.Config payee = new PayeeFlow.Config(3, piece, 60_000L);
            try (Exchange x = new Exchange(dir, seed, rule, total, piece, 6, failures, 20_000_000_000L, Exchange.Cheat.NONE, 0,
                    payer, payee)) {
                x.run(3_000);
                String at = "seed " + seed + " (" + rule + ", failures " + failures + ")";
                assertThat(x.buyer.spent()).as(at).isEqualTo(x.verifiedCost);
                assertThat(x.seller.paid()).as(at).isEqualTo(x.verifiedCost);
                assertThat(x.ledger.balance(x.sellerKey.address())).as(at).isEqualTo(x.verifiedCost);
                assertThat(x.ledger.balance(x.buyerKey.address())).as(at).isEqualTo(Exchange.SUPPLY - x.verifiedCost);
                // a piece that failed its hash check was fetched again and is owed once: nothing stays unpaid
                assertThat(x.remaining).as(at).isZero();
                assertThat(x.seller.owed()).as(at).isEqualTo(x.servedCost - x.failedCost).isEqualTo(x.verifiedCost);
                assertThat(x.seller.debt()).as(at).isZero();
                assertThat(x.buyer.unpaid()).as(at).isZero();
                assertThat(x.maxDebtSeen).as(at).isLessThanOrEqualTo(x.maxLimitSeen);
                assertThat(x.ledger.audit().ok()).as(at).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Exchange.Cheat.class, names = {"STOP_PAYING", "FORGE", "REPLAY", "OVER_ESCROW"})
    void aCheatingBuyerTakesNoMoreThanTheExposureLimit(Exchange.Cheat cheat) {
        try (Exchange x = new Exchange(dir, 11, ClearingRule.HIGHEST_LOSING, 16 * MIB, PIECE, 4, 0, 50_000_000_000L, cheat, 10,
                PAYER, PAYEE)) {
            x.run(400);
            long loss = x.servedCost - x.ledger.balance(x.sellerKey.address());
            String at = cheat + ", log " + x.log;
            assertThat(x.verifiedPieces).as(at).isGreaterThan(10);
            assertThat(x.remaining).as("the cheat is cut off before the end: " + at).isPositive();
            assertThat(loss).as(at).isPositive().isEqualTo(x.seller.debt()).isLessThanOrEqualTo(x.maxLimitSeen);
            // with prices moving, the exposure never passed two pieces at the price of the moment
            assertThat(x.maxDebtSeen).as(at).isLessThanOrEqualTo(x.maxLimitSeen);
            assertThat(x.buyerWonAfterCheatAndOverLimit).as("an over-exposed buyer never gets a paid slot: " + at).isFalse();
            assertThat(x.seller.shouldChoke()).as(at).isTrue();
            // what was paid honestly is on the ledger, nothing more
            assertThat(x.ledger.balance(x.sellerKey.address())).as(at).isEqualTo(x.seller.paid());
            if (cheat != Exchange.Cheat.STOP_PAYING) assertThat(x.errorsToBuyer).as("refusals were sent: " + at).isPositive();
            assertThat(x.ledger.audit().ok()).isTrue();
            assertThat(x.ledger.balance(x.buyerKey.address()) + x.ledger.balance(x.sellerKey.address())).isEqualTo(Exchange.SUPPLY);
        }
    }

    @Test
    void channelsLastADayByDefault() {
        assertThat(PayerFlow.Config.defaults(PIECE).channelLifetimeMillis()).isEqualTo(ChannelOpen.DEFAULT_LIFETIME_MILLIS);
        assertThat(PayerFlow.Config.defaults(PIECE).expiryMarginMillis())
                .as("the payer moves on before the payee closes").isGreaterThan(PayeeFlow.Config.defaults(PIECE).closeMarginMillis());
    }
}
