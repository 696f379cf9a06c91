package io.btspeed.app.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.Transfer;
import io.btspeed.ledger.store.SqliteLedger;
import io.btspeed.market.flow.PayerFlow;
import io.btspeed.market.policy.Spending;
import io.btspeed.market.wire.SpeedMessage;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget holds across sellers (spec §5.1): escrow locked at one seller counts against what a
 * channel at the next may lock, and stops counting once that seller is gone.
 */
class BudgetAccountingTest {
    private static final long PIECE = 256 * 1024;
    private static final long DAY = 86_400_000L;

    @TempDir
    Path tmp;

    /** A connection that only records what would be sent. */
    private static final class SentLog implements PeerHandle {
        final List<byte[]> sent = new ArrayList<>();
        private final int key;

        SentLog(int key) {
            this.key = key;
        }

        @Override public int key() { return key; }
        @Override public InetSocketAddress address() { return new InetSocketAddress("127.0.0.1", 6881 + key); }
        @Override public boolean supports(String extensionName) { return true; }
        @Override public void sendExtended(String extensionName, byte[] payload) { sent.add(payload); }
        @Override public void afterQueued(Runnable action) { action.run(); }
        @Override public void close(String reason) { }
    }

    private static ChannelId channel(int n) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) n);
        return new ChannelId(b);
    }

    @Test
    void escrowLockedAtOneSellerLimitsTheNextChannelAndTheBidUntilThatSellerLeaves() throws Exception {
        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(11)), buyer = KeyPair.fromPrivateKey(BigInteger.valueOf(12));
        KeyPair sellerA = KeyPair.fromPrivateKey(BigInteger.valueOf(13)), sellerB = KeyPair.fromPrivateKey(BigInteger.valueOf(14));
        try (SqliteLedger ledger = SqliteLedger.create(tmp.resolve("ledger.db"), new TokenInfo("BTT", 6, 1_000_000_000L),
                bank.address(), InstantSource.system());
             LedgerCalls calls = new LedgerCalls(ledger, buyer, "memo")) {
            // a rich wallet and a small budget: the budget, not the balance, is what binds
            ledger.transfer(new Transfer(bank.address(), buyer.address(), 500_000_000L, 0, "").sign(bank));
            long budget = 1_000_000L;
            AtomicLong spent = new AtomicLong(), unspentEscrow = new AtomicLong();
            SpendableBalance spendable = new SpendableBalance(ledger, buyer.address(), new Spending(true, budget), spent::get, unspentEscrow::get);
            FlowActions flows = new FlowActions(calls, spendable, spent, unspentEscrow, ps -> { });
            spendable.refresh();
            assertThat(spendable.get()).isEqualTo(budget);
            assertThat(spendable.forBidding()).isEqualTo(budget);

            SentLog toA = new SentLog(1), toB = new SentLog(2);
            MarketPeer a = new MarketPeer(toA, null, new PayerFlow(sellerA.address(), st -> st.sign(buyer), PayerFlow.Config.defaults(PIECE)), null);
            MarketPeer b = new MarketPeer(toB, null, new PayerFlow(sellerB.address(), st -> st.sign(buyer), PayerFlow.Config.defaults(PIECE)), null);

            // seller A's channel holds 600,000 of the budget: a channel at B may lock only the 400,000 left
            flows.paying(a, () -> a.payer.onChannelOpened(channel(1), 600_000L, System.currentTimeMillis() + DAY));
            assertThat(toA.sent).hasSize(1); // the channel announcement; the bid below is the second message
            assertThat(unspentEscrow.get()).isEqualTo(600_000L);
            assertThat(spendable.get()).isEqualTo(400_000L);
            // the locked escrow can still pay A, so the autobid still sees the whole budget
            assertThat(spendable.forBidding()).isEqualTo(budget);

            // paying A moves budget from locked to spent: the room for B is unchanged
            flows.paying(a, () -> a.payer.onBid(1_000_000L, spendable.get(), 10 * PIECE, System.currentTimeMillis()));
            flows.paying(a, () -> a.payer.onResult(new SpeedMessage.Result(1, true, 1_000_000L, "lowest-winning", 1),
                    spendable.get(), 10 * PIECE, System.currentTimeMillis()));
            flows.paying(a, () -> a.payer.onPieceVerified(PIECE, spendable.get(), 9 * PIECE, System.currentTimeMillis()));
            assertThat(spent.get()).isEqualTo(250_000L); // a quarter MiB at 1,000,000 per MiB
            assertThat(unspentEscrow.get()).isEqualTo(350_000L);
            assertThat(spendable.get()).isEqualTo(400_000L);
            assertThat(spendable.forBidding()).isEqualTo(budget - 250_000L);

            // B's channel takes the rest: nothing more may be locked anywhere
            flows.paying(b, () -> b.payer.onChannelOpened(channel(2), 400_000L, System.currentTimeMillis() + DAY));
            assertThat(spendable.get()).isZero();
            assertThat(spent.get() + unspentEscrow.get()).isEqualTo(budget);

            // A leaves: its channel takes no more payments, so its unspent escrow is room again (once)
            flows.forget(a);
            flows.forget(a);
            assertThat(unspentEscrow.get()).isEqualTo(400_000L);
            assertThat(spendable.get()).isEqualTo(budget - 250_000L - 400_000L);
            // a late event for the departed peer (e.g. a ledger answer) moves nothing
            flows.paying(a, () -> a.payer.onChannelOpened(channel(3), 100_000L, System.currentTimeMillis() + DAY));
            assertThat(unspentEscrow.get()).isEqualTo(400_000L);
        }
    }

    @Test
    void withSpendingOffNothingMayBeLockedOrBid() throws Exception {
        KeyPair bank = KeyPair.fromPrivateKey(BigInteger.valueOf(21)), buyer = KeyPair.fromPrivateKey(BigInteger.valueOf(22));
        try (SqliteLedger ledger = SqliteLedger.create(tmp.resolve("off.db"), new TokenInfo("BTT", 6, 1_000_000_000L),
                bank.address(), InstantSource.system())) {
            ledger.transfer(new Transfer(bank.address(), buyer.address(), 5_000_000L, 0, "").sign(bank));
            SpendableBalance spendable = new SpendableBalance(ledger, buyer.address(), Spending.OFF, () -> 0, () -> 0);
            assertThat(spendable.get()).as("before the first refresh").isZero();
            spendable.refresh();
            assertThat(spendable.get()).isZero();
            assertThat(spendable.forBidding()).isZero();
            // spending on without --budget: the wallet's balance is the limit
            SpendableBalance all = new SpendableBalance(ledger, buyer.address(), new Spending(true, Long.MAX_VALUE), () -> 0, () -> 0);
            all.refresh();
            assertThat(all.get()).isEqualTo(5_000_000L);
        }
    }
}
