package io.btspeed.engine.torrent;

/** Block geometry: pieces are requested in 16 KiB blocks (the last block of the last piece may be shorter). */
final class Blocks {
    static final int SIZE = 16 * 1024;

    private Blocks() {
    }

    static long key(int piece, int begin) {
        return ((long) piece << 32) | (begin & 0xffffffffL);
    }

    static int piece(long key) {
        return (int) (key >>> 32);
    }

    static int begin(long key) {
        return (int) key;
    }

    static int count(int pieceSize) {
        return (pieceSize + SIZE - 1) / SIZE;
    }

    static int length(int pieceSize, int begin) {
        return Math.min(SIZE, pieceSize - begin);
    }
}
