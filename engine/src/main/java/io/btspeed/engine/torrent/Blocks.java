package io.btspeed.engine.torrent;

/** A block as one long (piece in the high half, byte offset in the low half), for per-peer sets of cancelled blocks. */
final class Blocks {
    private Blocks() {
    }

    static long key(int piece, int begin) {
        return ((long) piece << 32) | (begin & 0xffffffffL);
    }
}
