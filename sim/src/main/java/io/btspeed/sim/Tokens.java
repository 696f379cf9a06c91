package io.btspeed.sim;

/**
 * Token balances of every simulated peer in base units, exact. Payments only move balance, so the supply is
 * constant; {@link #checkSupply} proves it and that no balance went negative.
 */
final class Tokens {
    private final long[] balance;
    private long supply;

    Tokens(int peers) { balance = new long[peers]; }

    void mint(int peer, long amount) {
        if (amount < 0) throw new IllegalArgumentException("negative mint");
        balance[peer] = Math.addExact(balance[peer], amount);
        supply = Math.addExact(supply, amount);
    }

    long balance(int peer) { return balance[peer]; }

    /** Moves up to {@code amount}; returns what moved (less when the payer has less). */
    long pay(int from, int to, long amount) {
        long moved = Math.min(amount, balance[from]);
        if (moved <= 0) return 0;
        balance[from] -= moved;
        balance[to] = Math.addExact(balance[to], moved);
        return moved;
    }

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
        long s = sum();
        if (s != supply) throw new IllegalStateException("token supply changed: " + supply + " minted, " + s + " held");
    }
}
