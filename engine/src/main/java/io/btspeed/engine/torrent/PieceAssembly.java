package io.btspeed.engine.torrent;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A piece being downloaded: its buffer (blocks are read from sockets straight into it, each into
 * its own disjoint slice) and the state of each block. Guarded by the torrent lock, except the
 * buffer bytes, which only the reader that was granted a block writes to.
 */
final class PieceAssembly {
    static final byte FREE = 0, REQUESTED = 1, RECEIVING = 2, DONE = 3;

    final int piece;
    final int size;
    final ByteBuffer buffer;
    final byte[] state;
    /** How many peers currently have a request out for each block (more than one only in endgame). */
    final byte[] requests;
    final Set<Peer> contributors = new HashSet<>();
    int done;
    int free;

    PieceAssembly(int piece, int size, ByteBuffer buffer) {
        this.piece = piece;
        this.size = size;
        this.buffer = buffer;
        int n = Blocks.count(size);
        this.state = new byte[n];
        this.requests = new byte[n];
        this.free = n;
    }

    int blockCount() {
        return state.length;
    }

    boolean complete() {
        return done == state.length;
    }
}
