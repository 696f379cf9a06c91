package io.btspeed.app.market;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.market.policy.Spending;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What this torrent may still commit, by the rules of {@link Spending} (spec §5.1): a new channel may
 * lock {@code min(free balance, budget − spent − unspent escrow in its open channels)}, and the autobid
 * bids from {@code min(free balance + unspent escrow, budget − spent)}. Escrow already locked at one
 * seller counts against the budget, so channels opened at several sellers together stay within it.
 * The balance is a ledger call, so it is cached; the getters never call the ledger (they run on
 * connection and payment threads), {@link #refresh()} does (ledger thread only).
 */
final class SpendableBalance {
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Ledger ledger;
    private final Address wallet;
    private final Spending spending;
    private final LongSupplier spent;
    private final LongSupplier unspentEscrow;
    private volatile long balance = -1;
    private volatile long atNanos;

    /**
     * @param spent         what this torrent's payment states promised so far
     * @param unspentEscrow escrow not yet spent in the channels this torrent can still pay into
     */
    SpendableBalance(Ledger ledger, Address wallet, Spending spending, LongSupplier spent, LongSupplier unspentEscrow) {
        this.ledger = ledger;
        this.wallet = wallet;
        this.spending = spending;
        this.spent = spent;
        this.unspentEscrow = unspentEscrow;
    }

    /** Reads the balance from the ledger (ledger thread). */
    void refresh() {
        try {
            balance = ledger.balance(wallet);
            atNanos = System.nanoTime();
        } catch (LedgerException e) {
            // keep the last known balance: the next refresh tries again
        }
    }

    /** Whether {@link #refresh()} is due. */
    boolean stale() {
        return balance < 0 || System.nanoTime() - atNanos > STALE_NANOS;
    }

    /** What a new channel may lock now (0 before the first refresh). */
    long get() {
        return spending.forNewEscrow(Math.max(0, balance), spent.getAsLong(), unspentEscrow.getAsLong());
    }

    /** The "balance" of the autobid formula (0 before the first refresh). */
    long forBidding() {
        return spending.forBidding(Math.max(0, balance), spent.getAsLong(), unspentEscrow.getAsLong());
    }
}
