package io.btspeed.market.pay;

/**
 * The default exposure limit (spec §5.3): how many unpaid pieces a seller tolerates from a buyer in a
 * paid slot. The limit must cover what is in flight between a block leaving the seller and the
 * payment for its piece coming back, or an honest buyer's blocks are held on every piece: the
 * seller's send buffer and the buyer's receive buffer (btspeed asks for 4 MiB each and Linux
 * doubles it, so up to 16 MiB together), the piece the buyer is assembling and the one it is
 * hashing, and the payment's way back while the seller keeps writing on busy cores. A default of
 * 16 MiB, measured on loopback at ~700 MB/s with 2 MiB pieces, held 250 blocks for 1.6–2.2 s per
 * 2 GiB; so the default is the pieces of 32 MiB (rounded up) plus 2.
 */
public final class Exposure {
    /** Bytes of buffering the default limit covers, besides the two pieces. */
    public static final long DEFAULT_BYTES = 32L << 20;
    /** Pieces added to {@link #DEFAULT_BYTES}: the one the buyer assembles and the one it hashes. */
    public static final int PIECES_IN_HAND = 2;

    private Exposure() {}

    /** The default limit in pieces of {@code pieceLength} bytes: the pieces of 32 MiB (rounded up), plus 2. */
    public static int defaultPieces(long pieceLength) {
        if (pieceLength < 1) throw new IllegalArgumentException("piece length must be positive, got " + pieceLength);
        return (int) ((DEFAULT_BYTES + pieceLength - 1) / pieceLength + PIECES_IN_HAND);
    }
}
