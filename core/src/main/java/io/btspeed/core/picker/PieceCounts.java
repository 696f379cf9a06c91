package io.btspeed.core.picker;

import java.util.Arrays;

/**
 * A count per piece, bit-sliced: plane k is a bitset holding bit k of every piece's count (bit {@code p & 63} of
 * {@code planes[k][p >>> 6]}), so adding one to many counts is a few word operations per plane, the carry
 * rippling up, and never depends on the order the adds come in. The picker counts with it how many peers announced
 * each piece, and narrows a pick's candidates to the rarest plane by plane ({@link PiecePicker}).
 *
 * <p>Eight planes until a count passes 255, then sixteen; past {@link #MAX_COUNT} an add throws and changes nothing,
 * and so does a subtraction below zero. Only the planes in use ({@link #planesUsed}) are read or written: those above
 * are zero in every word.
 *
 * <p>Why {@link PiecePicker} extends this rather than holding one: a swarm of pickers (a simulator's ten thousand)
 * counts each picker's Haves once a round, when the picker is out of cache, and a counts object of its own was one
 * more object, so one more cache miss, on every batch of Haves and every pick. The same reason a {@link PeerHandle} is
 * its own request set.
 */
abstract sealed class PieceCounts permits PiecePicker {
    /** At most this many peers may announce one piece (16 planes; a swarm never connects that many). */
    static final int MAX_COUNT = Character.MAX_VALUE;
    private static final int MAX_PLANES = 16;
    /** Pieces counted. */
    final int pieceCount;
    /** Words per bitset: {@code ceil(pieceCount / 64)}. */
    final int words;
    /**
     * The planes, {@code words} longs each, an array of their own: a loop over a plane and the picker's other
     * bitsets, word by word, then reads and writes each at the same index, which the compiler turns into vector
     * instructions (at an offset into one array of all planes it could not tell the arrays apart, and stayed scalar).
     */
    long[][] planes;
    /** Planes at and above this one are zero in every word: an add or a narrowing starts below it. */
    int planesUsed;

    PieceCounts(int pieceCount) {
        this.pieceCount = pieceCount;
        this.words = (pieceCount + 63) >>> 6;
        this.planes = new long[8][words];
    }

    /** The bits of word w that are pieces (the last word's bits past the last piece are not). */
    final long validBits(int w) {
        return w == words - 1 && (pieceCount & 63) != 0 ? ~(-1L << pieceCount) : -1L;
    }

    /** Piece p's count, read off its planes. */
    final int count(int piece) {
        int w = piece >>> 6, c = 0;
        for (int k = 0; k < planesUsed; k++) c |= (int) ((planes[k][w] >>> piece) & 1) << k;
        return c;
    }

    /** The pieces of word w whose count is not 0. */
    final long nonZero(int w) {
        long x = 0;
        for (int k = 0; k < planesUsed; k++) x |= planes[k][w];
        return x;
    }

    /**
     * Adds one to the count of each piece of word w in x: a bit-sliced add, the carry rippling up the planes. It goes
     * through every plane in use whatever the carry: a loop that stops when the carry dies ends after a number of
     * planes no branch predictor can learn (one for half the pieces, two for a quarter ...), and that misprediction
     * cost more than the planes it saved. Only a carry out of the planes in use takes the rare path.
     */
    final void addWord(int w, long x) {
        int used = planesUsed;
        long[][] pl = planes;
        long carry = x;
        for (int k = 0; k < used; k++) {
            long[] plane = pl[k];
            long v = plane[w];
            plane[w] = v ^ carry;
            carry &= v;
        }
        if (carry != 0) carryOut(w, x, carry);
    }

    /**
     * Adds one to the count of each of {@code pieces[0..n)} (a piece may come more than once: one for each time),
     * plane by plane: the first plane takes every add, the next only the adds that carried out of it, and so on, the
     * pieces still carrying kept in {@code pieces} itself, in order. An add of one to a count carries out of a plane
     * where its bit was set, half the time: the adds go through two planes on average instead of every plane in use
     * (which {@link #addWord} needs, to stay without a branch a predictor cannot learn). Two adds to one word in the
     * same plane come one after the other, the second reading what the first wrote, as adds one at a time would.
     * Overwrites {@code pieces}. Returns false, changing nothing, where the counts could pass {@link #MAX_COUNT}
     * (the caller then adds one at a time, each add failing alone).
     */
    final boolean addPieces(int[] pieces, int n) {
        if ((1L << planesUsed) - 1 + n > MAX_COUNT) return false;
        int live = n, level = 0;
        for (; level < planesUsed && live > 0; level++) {
            long[] plane = planes[level];
            int m = 0;
            for (int i = 0; i < live; i++) {
                int p = pieces[i], w = p >>> 6;
                long v = plane[w];
                plane[w] = v ^ (1L << p);
                pieces[m] = p;
                m += (int) ((v >>> p) & 1);
            }
            live = m;
        }
        // the adds that carried out of every plane in use: each goes on from the first plane not in use then
        for (int i = 0; i < live; i++) addFrom(pieces[i] >>> 6, 1L << pieces[i], level);
        return true;
    }

    /** Adds {@code carry} (bits of word w) at plane {@code k} and up, taking new planes as it must. */
    private void addFrom(int w, long carry, int k) {
        for (; k < planesUsed && carry != 0; k++) {
            long[] plane = planes[k];
            long v = plane[w];
            plane[w] = v ^ carry;
            carry &= v;
        }
        if (carry != 0) takePlane(w, carry); // no more than sixteen planes: addPieces checked
    }

    /**
     * The add of {@code x} to word w left {@code carry}: counts that reach the first plane not yet in use (all zero
     * there), which is then in use. Past sixteen planes the add is undone (those counts wrapped to zero in every plane,
     * so subtracting {@code x} again borrows them back up) and it throws, changing nothing.
     */
    private void carryOut(int w, long x, long carry) {
        if (planesUsed == MAX_PLANES) {
            borrowWord(w, x);
            int piece = (w << 6) + Long.numberOfTrailingZeros(carry);
            throw new IllegalStateException("more than " + MAX_COUNT + " peers announced piece " + piece);
        }
        takePlane(w, carry);
    }

    /** The first plane not yet in use (all zero) takes {@code carry} at word w and is in use; widens past eight. */
    private void takePlane(int w, long carry) {
        if (planesUsed == planes.length) widenPlanes();
        planes[planesUsed][w] = carry;
        planesUsed++;
    }

    /** Subtracts one from the count of each piece of word w in x; throws, changing nothing, if one is 0. */
    final void subtractWord(int w, long x) {
        long zero = x & ~nonZero(w);
        if (zero != 0) {
            int piece = (w << 6) + Long.numberOfTrailingZeros(zero);
            throw new IllegalStateException("availability of piece " + piece + " would go negative");
        }
        borrowWord(w, x);
    }

    /**
     * The bit-sliced subtraction of one from each count of word w in x, the borrow rippling up the planes in use; a
     * count at 0 wraps to all ones there (only {@link #carryOut}'s undo of a wrapped add relies on that).
     */
    private void borrowWord(int w, long x) {
        long borrow = x;
        for (int k = 0; k < planesUsed && borrow != 0; k++) {
            long[] plane = planes[k];
            long v = plane[w];
            plane[w] = v ^ borrow;
            borrow &= ~v;
        }
    }

    /** A count is about to pass 255: sixteen planes from now on (the new ones follow the others, all zero). */
    private void widenPlanes() {
        int had = planes.length;
        planes = Arrays.copyOf(planes, MAX_PLANES);
        for (int k = had; k < MAX_PLANES; k++) planes[k] = new long[words];
    }

    /** Checks (for tests) that the planes above those in use are zero and no plane counts bits past the last piece. */
    final void checkCounts() {
        for (int w = 0; w < words; w++) {
            for (int k = 0; k < planes.length; k++) {
                long x = planes[k][w];
                if (k >= planesUsed && x != 0) throw new IllegalStateException("plane " + k + " in use at word " + w);
                if ((x & ~validBits(w)) != 0) throw new IllegalStateException("plane " + k + " counts pieces past the end");
            }
        }
    }
}
