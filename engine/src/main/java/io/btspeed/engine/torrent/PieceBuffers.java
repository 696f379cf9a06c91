package io.btspeed.engine.torrent;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The direct buffers of pieces under way, indexed by piece, and a pool of spare ones so a transfer allocates a
 * buffer per piece in progress, not per piece. How many pieces may be under way is core's picker's bound
 * ({@code setMaxPiecesInProgress}); this holds their bytes. Guarded by the torrent lock.
 */
final class PieceBuffers {
    private final PieceAssembly[] active;
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private final int bufferSize;
    private final int maxPooled;

    PieceBuffers(int pieceCount, int pieceLength, int maxPooled) {
        this.active = new PieceAssembly[pieceCount];
        this.bufferSize = pieceLength;
        this.maxPooled = maxPooled;
    }

    PieceAssembly get(int piece) {
        return active[piece];
    }

    /** The piece's assembly, created with a pooled buffer when its first block is requested. */
    PieceAssembly open(int piece, int size, int blocks) {
        PieceAssembly a = active[piece];
        if (a != null) return a;
        ByteBuffer buf = pool.pollFirst();
        if (buf == null) buf = alignedBuffer(bufferSize);
        buf.clear().limit(size);
        a = new PieceAssembly(piece, size, blocks, buf);
        active[piece] = a;
        return a;
    }

    /**
     * A direct buffer whose first byte sits on a 4 KiB boundary, so a verified piece can be written to disk with
     * direct I/O straight from it (see {@link PieceStore}); the spare 4 KiB is the price of the alignment.
     */
    static ByteBuffer alignedBuffer(int size) {
        return ByteBuffer.allocateDirect(size + PieceStore.DIRECT_ALIGNMENT - 1).alignedSlice(PieceStore.DIRECT_ALIGNMENT).limit(size).slice();
    }

    /** Verified or failed: the buffer goes back to the pool. */
    void release(PieceAssembly a) {
        if (active[a.piece] == a) active[a.piece] = null;
        if (pool.size() < maxPooled) pool.addFirst(a.buffer);
    }

    /**
     * Drops every piece not yet handed to hashing (pause) and returns their numbers. Their buffers are not pooled:
     * a reader that has not yet noticed its closed socket could still be writing into one.
     */
    List<Integer> dropUnhashed() {
        List<Integer> dropped = new ArrayList<>();
        for (int i = 0; i < active.length; i++) {
            if (active[i] != null && !active[i].hashing) {
                active[i] = null;
                dropped.add(i);
            }
        }
        return dropped;
    }
}
