package io.btspeed.app.market;

import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.Address;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What this torrent may still lock in a new channel: {@code min(free balance, budget − spent)}. The
 * balance is a ledger call, so it is cached; {@link #get()} never calls the ledger once a balance is
 * known (it runs on connection and payment threads), {@link #refresh()} does (ledger thread only).
 */
final class SpendableBalance {
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Ledger ledger;
    private final Address wallet;
    private final long budget;
    private final LongSupplier spent;
    private volatile long balance = -1;
    private volatile long atNanos;

    SpendableBalance(Ledger ledger, Address wallet, long budget, LongSupplier spent) {
        this.ledger = ledger;
        this.wallet = wallet;
        this.budget = budget;
        this.spent = spent;
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

    /** The cached answer (0 before the first refresh). */
    long get() {
        long b = balance;
        return Math.max(0, Math.min(Math.max(0, b), budget - spent.getAsLong()));
    }
}
