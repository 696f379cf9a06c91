package io.btspeed.engine.torrent;

import java.nio.ByteBuffer;

/**
 * The buffer of a piece being downloaded: blocks are read from sockets straight into it, each into its own
 * disjoint slice (core's picker hands each block to exactly one reader). Which block is requested from whom is the
 * picker's business; this counts the blocks whose bytes are in and who sent how many. Guarded by the torrent lock,
 * except the buffer bytes, which only the reader granted a block writes to.
 */
final class PieceAssembly {
    final int piece;
    final int size;
    final ByteBuffer buffer;
    private final int blocks;
    private int done;
    /** Contributors and their bytes, in arrival order; a handful per piece, so a linear scan beats a map. */
    private Peer[] from = new Peer[2];
    private long[] bytes = new long[2];
    private int sources;
    /** Every block is in and the piece was handed to the hash pool. */
    boolean hashing;

    PieceAssembly(int piece, int size, int blocks, ByteBuffer buffer) {
        this.piece = piece;
        this.size = size;
        this.blocks = blocks;
        this.buffer = buffer;
    }

    /** A block's bytes are all in; returns true when it was the last one. */
    boolean blockDone(Peer p, int length) {
        done++;
        for (int i = 0; i < sources; i++) {
            if (from[i] == p) {
                bytes[i] += length;
                return done == blocks;
            }
        }
        if (sources == from.length) {
            from = java.util.Arrays.copyOf(from, sources * 2);
            bytes = java.util.Arrays.copyOf(bytes, sources * 2);
        }
        from[sources] = p;
        bytes[sources++] = length;
        return done == blocks;
    }

    int sourceCount() {
        return sources;
    }

    Peer source(int i) {
        return from[i];
    }

    long bytesFrom(int i) {
        return bytes[i];
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("piece ").append(piece).append(" from");
        for (int i = 0; i < sources; i++) b.append(' ').append(from[i]).append('=').append(bytes[i]);
        return b.toString();
    }
}
