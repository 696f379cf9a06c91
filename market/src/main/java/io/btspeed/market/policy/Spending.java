package io.btspeed.market.policy;

/**
 * The user's spending switch and budget ({@code --spend on|off}, {@code --budget}). What may still
 * be spent is min(balance, budget − spent), and nothing with spending off — the input to
 * {@link Autobid#bid} and to the channel sizing of {@code PayerFlow}.
 *
 * @param on     {@code --spend on}
 * @param budget most this download may spend in total, base units ({@code Long.MAX_VALUE}: the whole balance)
 */
public record Spending(boolean on, long budget) {
    public static final Spending OFF = new Spending(false, 0);

    public Spending {
        if (budget < 0) throw new IllegalArgumentException("negative budget");
    }

    public long spendable(long balance, long spent) {
        if (!on || balance <= 0) return 0;
        return Math.max(0, Math.min(balance, budget - Math.min(spent, budget)));
    }

    /** The bid to stand at every uploader: 0 (withdraw) with spending off, nothing spendable, or nothing left to download. */
    public long target(Autobid autobid, long balance, long spent, long remainingBytes) {
        return autobid.bid(spendable(balance, spent), remainingBytes);
    }
}
