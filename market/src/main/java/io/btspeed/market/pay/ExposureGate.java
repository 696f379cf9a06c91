package io.btspeed.market.pay;

/**
 * The seller's exposure rule for one buyer (spec §4 billing, §5.3 exposure), without I/O or clocks:
 * at what price the blocks leaving now are billed, whether the next block may leave without the
 * buyer's unpaid debt passing the limit, and whether the buyer must be kept out of the paid slots.
 *
 * <p>Billing follows the results the buyer was sent: from the first block written after a "won at
 * P" result, at P, until a "lost" result. The limit is {@code exposure pieces × piece length} at the
 * last price billed, so a buyer that lost its slot with a debt still has to pay it down before it
 * may win again. A block that would pass the limit waits for a payment; if none comes in time the
 * runtime calls {@link #stall()}, and the buyer stays out until a block fits again.
 */
public final class ExposureGate {
    /** A block as large as the spec's request size: what must fit again before a stalled buyer is let back in. */
    private static final int BLOCK = 16 * 1024;

    private final long exposureBytes;
    private long billedPrice;
    private long limitPrice;
    private boolean stalled;

    /** @param exposurePieces pieces of unpaid data tolerated (the default is 2) */
    public ExposureGate(int exposurePieces, int pieceLength) {
        if (exposurePieces < 0 || pieceLength <= 0) throw new IllegalArgumentException("bad exposure " + exposurePieces + " × " + pieceLength);
        this.exposureBytes = (long) exposurePieces * pieceLength;
    }

    /** The auction result for this round reached the buyer's socket: {@code price} if it won, 0 if not. */
    public void resultDelivered(long price) {
        if (price < 0) throw new IllegalArgumentException("negative price");
        billedPrice = price;
        if (price > 0) limitPrice = price;
    }

    /**
     * A bill was made at {@code price} by a driver that passes the price itself (the simulator bills whole
     * pieces at its round's price): the limit follows it as it follows a delivered result.
     */
    public void billedAt(long price) {
        if (price < 0) throw new IllegalArgumentException("negative price");
        if (price > 0) limitPrice = price;
    }

    /** What a block written now costs per MiB (0: not billed). */
    public long billedPrice() {
        return billedPrice;
    }

    /** The largest unpaid debt tolerated, base units. */
    public long limit() {
        return Pricing.cost(limitPrice, exposureBytes);
    }

    /** A block of {@code length} bytes may leave now without {@code debt} passing the limit (always, when not billed). */
    public boolean fits(long debt, int length) {
        return billedPrice == 0 || debt + Pricing.cost(billedPrice, length) <= limit();
    }

    /** A held block waited for a payment in vain: refuse blocks and keep the buyer out of the auction. */
    public void stall() {
        stalled = true;
    }

    public boolean stalled() {
        return stalled;
    }

    /**
     * After a bill or a payment: whether the buyer is to be kept out of the paid slots. A stalled
     * buyer comes back once a block fits again, i.e. once it paid.
     */
    public boolean overExposed(long debt) {
        if (stalled && debt + Pricing.cost(limitPrice, BLOCK) <= limit()) stalled = false;
        return stalled || debt > limit();
    }
}
