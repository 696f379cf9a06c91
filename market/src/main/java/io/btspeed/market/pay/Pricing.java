package io.btspeed.market.pay;

import java.math.BigInteger;

/** What a piece costs: price (base units per MiB) × bytes ÷ MiB, rounded down, exactly. */
public final class Pricing {
    public static final long MIB = 1L << 20;

    private Pricing() {}

    /**
     * Rounded down per piece, so the payer never owes a fraction it cannot pay; the loss to the
     * payee is under one base unit per piece.
     */
    public static long cost(long pricePerMiB, long bytes) {
        if (pricePerMiB < 0 || bytes < 0) throw new IllegalArgumentException("negative price or size");
        BigInteger c = BigInteger.valueOf(pricePerMiB).multiply(BigInteger.valueOf(bytes)).divide(BigInteger.valueOf(MIB));
        if (c.bitLength() > 63) throw new ArithmeticException("piece cost overflows");
        return c.longValue();
    }
}
