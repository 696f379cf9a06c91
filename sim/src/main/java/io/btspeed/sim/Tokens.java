package io.btspeed.sim;

/**
 * Token balances of every simulated peer in base units, exact, and the escrow locked in open channels
 * ({@link SimLedger}). Payments and channels only move tokens, so balances plus locked escrow stay the
 * supply; {@link #checkSupply} proves it and that no balance went negative.
 */
final class Tokens {
    private final long[] balance;
    private long supply;
    private long locked;

    Tokens(int peers) { balance = new long[peers]; }

    void mint(int peer, long amount) {
        if (amount < 0) throw new IllegalArgumentException("negative mint");
        balance[peer] = Math.addExact(balance[peer], amount);
        supply = Math.addExact(supply, amount);
    }

    long balance(int peer) { return balance[peer]; }

    /** Moves {@code amount} of {@code peer}'s balance into escrow (a channel opens); false if it has less. */
    boolean lock(int peer, long amount) {
        if (amount < 0 || amount > balance[peer]) return false;
        balance[peer] -= amount;
        locked += amount;
        return true;
    }

    /** Releases {@code escrow}: {@code paid} of it to {@code payee}, the rest back to {@code payer} (a channel closes). */
    void release(int payer, int payee, long escrow, long paid) {
        if (paid < 0 || paid > escrow || escrow > locked) throw new IllegalStateException("bad channel settlement " + paid + " of " + escrow);
        locked -= escrow;
        balance[payee] = Math.addExact(balance[payee], paid);
        balance[payer] = Math.addExact(balance[payer], escrow - paid);
    }

    long locked() { return locked; }

    long supply() { return supply; }

    long sum() {
        long s = 0;
        for (long b : balance) s = Math.addExact(s, b);
        return s;
    }

    void checkSupply() {
        for (int i = 0; i < balance.length; i++) {
            if (balance[i] < 0) throw new IllegalStateException("peer " + i + " has a negative balance " + balance[i]);
        }
        long s = Math.addExact(sum(), locked);
        if (s != supply) throw new IllegalStateException("token supply changed: " + supply + " minted, " + s + " held (" + locked + " in escrow)");
    }
}
