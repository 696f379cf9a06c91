package io.btspeed.market.policy;

import java.math.BigInteger;

/**
 * The downloader's automatic bid, as the first release defined it:
 * bid = spending_rate × balance ÷ remaining download, in base units per MiB, re-sent only when it
 * moves by more than 10 %, and zero once nothing remains. Exact integer arithmetic; the spending
 * rate is a fraction in thousandths (1000 = 1.0).
 *
 * @param spendingRatePermille 1000 = spend the whole balance over the rest of the download
 * @param maxPrice             the user's ceiling per MiB (Long.MAX_VALUE for none)
 */
public record Autobid(long spendingRatePermille, long maxPrice) {
    public static final long MIB = 1L << 20;
    public static final Autobid DEFAULT = new Autobid(1000, Long.MAX_VALUE);

    public Autobid {
        if (spendingRatePermille < 0 || maxPrice < 0) throw new IllegalArgumentException("negative spending rate or max price");
    }

    /**
     * @param spendable     what may still be spent: min(balance, budget left), base units
     * @param remainingBytes bytes still to download
     * @return the bid in base units per MiB; 0 means do not bid
     */
    public long bid(long spendable, long remainingBytes) {
        if (spendable <= 0 || remainingBytes <= 0 || spendingRatePermille == 0) return 0;
        BigInteger b = BigInteger.valueOf(spendingRatePermille).multiply(BigInteger.valueOf(spendable))
                .multiply(BigInteger.valueOf(MIB))
                .divide(BigInteger.valueOf(remainingBytes).multiply(BigInteger.valueOf(1000)));
        long bid = b.bitLength() > 62 ? Long.MAX_VALUE : b.longValue();
        return Math.min(bid, maxPrice);
    }

    /** Re-bid only when the new bid differs from the standing one by more than 10 % (or one of them is 0). */
    public static boolean shouldRebid(long standing, long proposed) {
        if (standing == proposed) return false;
        if (standing == 0 || proposed == 0) return true;
        return Math.abs(proposed - standing) * 10 > standing;
    }
}
