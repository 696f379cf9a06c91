package io.btspeed.core.picker;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece under way in a {@link PiecePicker}: its blocks' states and requesters, the peers that sent blocks of it, and
 * its links in the picker's lists of pieces under way (all of them, and those with a free block).
 */
final class Downloading {
    /** A block's state. */
    static final byte FREE = 0, REQUESTED = 1, RECEIVED = 2;
    int piece;
    final byte[] state;
    final List<Object>[] requesters;
    /** Peers that sent blocks of it, each once: a few at most, so a list beats a hash set. */
    final List<Object> contributors = new ArrayList<>(2);
    Downloading prev, next;
    /** The neighbours in the list of pieces with a free block. */
    Downloading prevWithFree, nextWithFree;
    /** When this piece was started, among this picker's pieces (the lists keep this order). */
    long seq;
    int free;
    /** No block below this one is free (a lower bound kept by every state change to free). */
    int firstFree;
    int received;

    private Downloading(int piece, byte[] state, List<Object>[] requesters) {
        this.piece = piece;
        this.state = state;
        this.requesters = requesters;
        this.free = state.length;
    }

    /**
     * A new entry. A static factory rather than a constructor on purpose: the JIT inlines constructors into a
     * hot caller even from a rarely taken branch (for escape analysis), and this one's loop then sat inside the
     * compiled pick, where a failed speculation about it made the JIT compile the whole pick again; a static
     * method of this size is not inlined where it is rarely called.
     */
    @SuppressWarnings("unchecked")
    static Downloading create(int piece, int blocks) {
        List<Object>[] requesters = new List[blocks];
        for (int i = 0; i < blocks; i++) requesters[i] = new ArrayList<>(1);
        return new Downloading(piece, new byte[blocks], requesters);
    }

    /** As new, for another piece with as many blocks. */
    void reset(int piece) {
        this.piece = piece;
        java.util.Arrays.fill(state, FREE);
        for (List<Object> r : requesters) r.clear();
        contributors.clear();
        prev = next = prevWithFree = nextWithFree = null;
        free = state.length;
        received = 0;
        firstFree = 0;
    }
}
