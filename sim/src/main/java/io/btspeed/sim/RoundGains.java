package io.btspeed.sim;

/**
 * Each peer's gains of the last round's deliveries: from which position of its log, how many, and (up to
 * {@link #KEPT}) the pieces themselves, in one slot of 32 ints per peer, two cache lines' worth. Written for every
 * present peer by its delivery slice (each slice its own peers), read by the next round's catch-ups: a neighbour's
 * gains and where they start come in the slot's first line or two, next to every other peer's, instead of a line of
 * where they are and another of the pieces (or the neighbour's own log, a page and a page walk of its own). A peer
 * that gained more than fit is read from its log.
 *
 * <p>Why a slot of 32 where most rounds fill less than 16: with 16 (14 gains) the benchmark's fastest downloaders (16
 * pieces a round at most) overflowed in 3 % of the reads, each a read of the log with its page walk; the slot's lines
 * past the gains are never read, so they cost no cache space.
 */
final class RoundGains {
    static final int SLOT = 32, FROM = 0, COUNT = 1, PIECES = 2;
    /** Where a slot without gains (count 0) says whether its peer has every piece (1) or not (0). */
    static final int DONE = PIECES;
    /** Most pieces a slot holds. */
    static final int KEPT = SLOT - PIECES;
    /** Per peer: log position the gains start at, their count, then the first {@link #KEPT} of them. */
    final int[] slots;

    RoundGains(int peers) { slots = new int[SLOT * peers]; }

    /**
     * {@code peer}'s gains this round start at log position {@code logLen}; none yet. {@code done}: it has every piece,
     * so it will never gain one (its neighbours' catch-ups can stop reading it once they have read its whole log).
     */
    void start(int peer, int logLen, boolean done) {
        slots[SLOT * peer + FROM] = logLen;
        slots[SLOT * peer + COUNT] = 0;
        slots[SLOT * peer + DONE] = done ? 1 : 0;
    }

    /** {@code peer} gained {@code count} pieces this round: its log from position {@code logFrom} (as started). */
    void gained(int peer, int[] log, int logFrom, int count) {
        int base = SLOT * peer;
        slots[base + COUNT] = count;
        System.arraycopy(log, logFrom, slots, base + PIECES, Math.min(count, KEPT));
    }
}
