package io.btspeed.market.policy;

/**
 * The user's spending switch and budget ({@code --spend on|off}, {@code --budget}), turned into the
 * two amounts the buyer needs. Escrow locked in an open channel is not spent yet but is not free
 * either, so both take three inputs, all in base units:
 * <ul>
 *   <li>{@code freeBalance} — the wallet's balance on the ledger (locked escrow already excluded);
 *   <li>{@code spent} — what this download paid in payment states (Σ {@code PayerFlow.spent()});
 *   <li>{@code unspentEscrow} — escrow still unused in its open channels (Σ {@code PayerFlow.remainingEscrow()}).
 * </ul>
 * With spending off both are 0: no bids, no channels.
 *
 * @param on     {@code --spend on}
 * @param budget the most this download may spend in total ({@code Long.MAX_VALUE}: the whole balance)
 */
public record Spending(boolean on, long budget) {
    public static final Spending OFF = new Spending(false, 0);

    public Spending {
        if (budget < 0) throw new IllegalArgumentException("negative budget");
    }

    /**
     * What a new channel may lock: free balance, within what the budget leaves after what was spent
     * and what is locked already — so all channels of a download together stay within its budget.
     */
    public long forNewEscrow(long freeBalance, long spent, long unspentEscrow) {
        if (!on) return 0;
        return clamp(Math.min(freeBalance, room(spent, unspentEscrow)));
    }

    /** The "balance" of the autobid formula: everything this download can still pay with, within the budget. */
    public long forBidding(long freeBalance, long spent, long unspentEscrow) {
        if (!on) return 0;
        long payable = Math.max(0, freeBalance) > Long.MAX_VALUE - Math.max(0, unspentEscrow) ? Long.MAX_VALUE
                : Math.max(0, freeBalance) + Math.max(0, unspentEscrow);
        return clamp(Math.min(payable, room(spent, 0)));
    }

    /** The bid to stand at every uploader: 0 (withdraw) with spending off, nothing to spend, or nothing left to download. */
    public long target(Autobid autobid, long freeBalance, long spent, long unspentEscrow, long remainingBytes) {
        return autobid.bid(forBidding(freeBalance, spent, unspentEscrow), remainingBytes);
    }

    private long room(long spent, long locked) {
        long used = Math.max(0, spent) > Long.MAX_VALUE - Math.max(0, locked) ? Long.MAX_VALUE : Math.max(0, spent) + Math.max(0, locked);
        return budget - Math.min(used, budget);
    }

    private static long clamp(long v) {
        return Math.max(0, v);
    }
}
