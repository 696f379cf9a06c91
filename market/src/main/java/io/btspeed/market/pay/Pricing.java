package io.btspeed.market.pay;

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
        // the exact 128-bit product shifted right by 20 (MiB is 2^20): no allocation, as it runs per block
        long hi = Math.multiplyHigh(pricePerMiB, bytes), lo = pricePerMiB * bytes;
        if (hi >>> 19 != 0) throw new ArithmeticException("piece cost overflows");
        return (hi << 44) | (lo >>> 20);
    }
}
