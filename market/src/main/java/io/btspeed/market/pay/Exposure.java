package io.btspeed.market.pay;

/**
 * The default exposure limit (spec §5.3): how many unpaid pieces a seller tolerates from a buyer in a
 * paid slot. Between a block leaving the seller and the payment for its piece coming back lie both
 * peers' socket buffers and the buyer's hash queue, several MiB on a fast link; a limit below that
 * holds an honest buyer's blocks on every piece, so the default covers 16 MiB, and never fewer than
 * 2 pieces (one being paid for while the next is sent).
 */
public final class Exposure {
    /** Bytes the default limit covers. */
    public static final long DEFAULT_BYTES = 16L << 20;
    /** The fewest pieces the default allows. */
    public static final int MIN_DEFAULT_PIECES = 2;

    private Exposure() {}

    /** The default limit in pieces of {@code pieceLength} bytes: the pieces of 16 MiB (rounded up), at least 2. */
    public static int defaultPieces(long pieceLength) {
        if (pieceLength < 1) throw new IllegalArgumentException("piece length must be positive, got " + pieceLength);
        return (int) Math.max(MIN_DEFAULT_PIECES, (DEFAULT_BYTES + pieceLength - 1) / pieceLength);
    }
}
