package io.btspeed.core.picker;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A piece under way in a {@link PiecePicker}: its blocks' states and requesters, the peers that sent blocks of it, and
 * its links in the picker's lists of pieces under way (all of them, and those with a free block).
 *
 * <p>Requesters and contributors are kept in flat arrays rather than a list per block: a swarm of pickers starts tens
 * of millions of pieces, each one's entry is touched a few times while the rest of the swarm pushes it out of cache,
 * and a list per block was two more objects, so two more cache misses, on every request, arrival and reset.
 */
final class Downloading {
    /** A block's state. */
    static final byte FREE = 0, REQUESTED = 1, RECEIVED = 2;
    private static final Object[] NONE = {};
    int piece;
    final byte[] state;
    /**
     * Who was asked for each block and has not delivered it: block b's requesters are {@code asked[b * dup ..]}, the
     * first {@code asked[b * dup + i] != null} of the {@code dup} slots (at most {@code dup} peers ask for one block).
     */
    private final Object[] asked;
    private final int dup;
    /**
     * Peers that sent blocks of it, each once: a few at most, so an array beats a hash set. The first is kept in a
     * field: most pieces have one (every piece, in a simulator that moves whole pieces), and the array was one more
     * cache miss when its block arrived.
     */
    private Object sent0;
    private Object[] sentMore = NONE;
    private int sentCount;
    Downloading prev, next;
    /** The neighbours in the list of pieces with a free block. */
    Downloading prevWithFree, nextWithFree;
    /** When this piece was started, among this picker's pieces (the lists keep this order). */
    long seq;
    int free;
    /** No block below this one is free (a lower bound kept by every state change to free). */
    int firstFree;
    int received;

    private Downloading(int piece, int blocks, int dup) {
        this.piece = piece;
        this.state = new byte[blocks];
        this.dup = dup;
        this.asked = new Object[blocks * dup];
        this.free = blocks;
    }

    /**
     * A new entry for a piece of {@code blocks} blocks, each asked of at most {@code dup} peers at once. A static
     * factory rather than a constructor on purpose: the JIT inlines constructors into a hot caller even from a rarely
     * taken branch (for escape analysis), and the entry's allocation then sat inside the compiled pick, where a failed
     * speculation about it made the JIT compile the whole pick again; a static method is not inlined where it is
     * rarely called.
     */
    static Downloading create(int piece, int blocks, int dup) { return new Downloading(piece, blocks, dup); }

    /**
     * Empties its blocks' states, requesters and contributors. Called when the entry becomes a spare, right after the
     * piece's last block and verification touched those arrays: then they are in cache, while by the time the spare
     * is taken again (a round of a swarm later, in a simulator) they are not, and clearing them there was a cache
     * miss each, after the miss on the entry itself.
     */
    void clear() {
        Arrays.fill(state, FREE);
        Arrays.fill(asked, null);
        sent0 = null;
        if (sentCount > 1) Arrays.fill(sentMore, 0, sentCount - 1, null);
        sentCount = 0;
    }

    /** As new, for another piece with as many blocks; {@link #clear} came first. Touches only this object. */
    void reuse(int piece) {
        this.piece = piece;
        prev = next = prevWithFree = nextWithFree = null;
        free = state.length;
        received = 0;
        firstFree = 0;
    }

    // ---- requesters of a block ----

    /** How many peers were asked for block b and have not delivered it. */
    int askedCount(int b) {
        int base = b * dup, n = 0;
        while (n < dup && asked[base + n] != null) n++;
        return n;
    }

    /** The i-th of block b's requesters ({@code i < askedCount(b)}). */
    Object asker(int b, int i) { return asked[b * dup + i]; }

    boolean askedOf(int b, Object peer) {
        for (int i = b * dup, end = i + dup; i < end && asked[i] != null; i++) if (asked[i].equals(peer)) return true;
        return false;
    }

    /** Adds a requester to block b, which has fewer than {@code dup}. */
    void ask(int b, Object peer) {
        int n = askedCount(b);
        if (n == dup) throw new IllegalStateException("block " + b + " of piece " + piece + " already asked of " + dup + " peers");
        asked[b * dup + n] = peer;
    }

    /** Removes a requester of block b (the first equal one), keeping the others first; false if it was none. */
    boolean unask(int b, Object peer) {
        int base = b * dup, n = askedCount(b);
        for (int i = 0; i < n; i++) {
            if (!asked[base + i].equals(peer)) continue;
            System.arraycopy(asked, base + i + 1, asked, base + i, n - i - 1);
            asked[base + n - 1] = null;
            return true;
        }
        return false;
    }

    void clearAsked(int b) { Arrays.fill(asked, b * dup, b * dup + dup, null); }

    // ---- contributors ----

    /** Records that {@code peer} sent a block of this piece (once per peer). */
    void sentBy(Object peer) {
        if (sentCount == 0) {
            sent0 = peer;
            sentCount = 1;
            return;
        }
        if (sent0.equals(peer)) return;
        int more = sentCount - 1;
        for (int i = 0; i < more; i++) if (sentMore[i].equals(peer)) return;
        if (more == sentMore.length) sentMore = Arrays.copyOf(sentMore, Math.max(2, 2 * more));
        sentMore[more] = peer;
        sentCount++;
    }

    /** The peers that sent blocks of it. */
    Set<Object> contributors() {
        Set<Object> all = new HashSet<>();
        if (sentCount > 0) all.add(sent0);
        for (int i = 0; i < sentCount - 1; i++) all.add(sentMore[i]);
        return all;
    }
}
