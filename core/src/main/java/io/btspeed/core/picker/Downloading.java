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
    /** Blocks in the piece. */
    final int blocks;
    /**
     * Each block's state; null for a piece of one block, whose state is {@link #state0}. A simulator that moves whole
     * pieces has one block per piece and starts tens of millions of them: a state array and a requester array per
     * entry were two more cache misses on every pick and every arrival.
     */
    private final byte[] states;
    private byte state0;
    /**
     * Who was asked for each block and has not delivered it: block b's requesters are slots {@code b * dup ..}, the
     * first {@code dup} slots that are not null (at most {@code dup} peers ask for one block). The slots are this array,
     * or, when there are at most two ({@code blocks * dup <= 2}), the fields {@link #asked0} and {@link #asked1}.
     */
    private final Object[] asked;
    private Object asked0, asked1;
    private final int dup;
    /**
     * Peers that sent blocks of it, each once: a few at most, so an array beats a hash set. The first is kept in a
     * field: most pieces have one (every piece, in a simulator that moves whole pieces), and the array was one more
     * cache miss when its block arrived.
     */
    private Object sent0;
    private Object[] sentMore = NONE;
    private int sentCount;
    /** The neighbours in the list of pieces with a free block. */
    Downloading prevWithFree, nextWithFree;
    /** When this piece was started, among this picker's pieces (the list of pieces with a free block keeps this order). */
    long seq;
    int free;
    /** No block below this one is free (a lower bound kept by every state change to free). */
    int firstFree;
    int received;

    private Downloading(int piece, int blocks, int dup) {
        this.piece = piece;
        this.blocks = blocks;
        this.states = blocks == 1 ? null : new byte[blocks];
        this.dup = dup;
        this.asked = blocks * dup <= 2 ? null : new Object[blocks * dup];
        this.free = blocks;
    }

    /** Block b's state ({@code b < blocks}). */
    byte state(int b) { return states == null ? state0 : states[b]; }

    /** It has no arrays: its state and requesters are fields (a piece of one block, at most two requesters). */
    boolean inline() { return states == null && asked == null; }

    void state(int b, byte s) {
        if (states == null) state0 = s;
        else states[b] = s;
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
        if (states == null) state0 = FREE;
        else Arrays.fill(states, FREE);
        if (asked == null) asked0 = asked1 = null;
        else Arrays.fill(asked, null);
        sent0 = null;
        if (sentCount > 1) Arrays.fill(sentMore, 0, sentCount - 1, null);
        sentCount = 0;
    }

    /** As new, for another piece with as many blocks; {@link #clear} came first. Touches only this object. */
    void reuse(int piece) {
        this.piece = piece;
        prevWithFree = nextWithFree = null;
        free = blocks;
        received = 0;
        firstFree = 0;
    }

    // ---- requesters of a block ----

    private Object slot(int i) { return asked != null ? asked[i] : i == 0 ? asked0 : asked1; }

    private void slot(int i, Object peer) {
        if (asked != null) asked[i] = peer;
        else if (i == 0) asked0 = peer;
        else asked1 = peer;
    }

    /** How many peers were asked for block b and have not delivered it. */
    int askedCount(int b) {
        int base = b * dup, n = 0;
        while (n < dup && slot(base + n) != null) n++;
        return n;
    }

    /** The i-th of block b's requesters ({@code i < askedCount(b)}). */
    Object asker(int b, int i) { return slot(b * dup + i); }

    boolean askedOf(int b, Object peer) {
        for (int i = b * dup, end = i + dup; i < end; i++) {
            Object o = slot(i);
            if (o == null) return false;
            if (o.equals(peer)) return true;
        }
        return false;
    }

    /** Adds a requester to block b, which has fewer than {@code dup}. */
    void ask(int b, Object peer) {
        int n = askedCount(b);
        if (n == dup) throw new IllegalStateException("block " + b + " of piece " + piece + " already asked of " + dup + " peers");
        slot(b * dup + n, peer);
    }

    /** Removes a requester of block b (the first equal one), keeping the others first; false if it was none. */
    boolean unask(int b, Object peer) {
        int base = b * dup, n = askedCount(b);
        for (int i = 0; i < n; i++) {
            if (!slot(base + i).equals(peer)) continue;
            for (int k = i; k < n - 1; k++) slot(base + k, slot(base + k + 1));
            slot(base + n - 1, null);
            return true;
        }
        return false;
    }

    void clearAsked(int b) {
        for (int i = b * dup, end = i + dup; i < end; i++) slot(i, null);
    }

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
