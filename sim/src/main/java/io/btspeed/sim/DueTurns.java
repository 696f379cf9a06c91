package io.btspeed.sim;

/**
 * Which peers' choke turns need a look this round, so the choke step visits those and not every present peer: the
 * ones whose choker's interval ran out ({@link io.btspeed.core.choke.Choker#nextRoundAt}), and the ones marked since
 * their last visit: newly interested downloaders reached them, or their market policy may want an early round. A
 * visit does exactly what the full sweep did, so the step's result is the same; a peer neither due nor marked was
 * a visit that did nothing, nine in ten of them, each a few cache misses on one thread while the other waited.
 *
 * <p>Peers are known by arrival rank: the swarm's present list only grows at its end in arrival order and keeps its
 * order as peers leave, so rank order is its order. Marks are bits by rank, one set per thread (the catch-ups mark
 * from both threads), merged into this thread's set when the step starts; bits set during the step ahead of the
 * visit under way are visited in the same step, as the full sweep would have, and the ones behind wait for the next.
 */
final class DueTurns {
    /** By rank: when the peer's choker runs out its interval ({@code Long.MAX_VALUE} while it is not present). */
    private final long[] dueAt;
    /** By thread, bits by rank: peers marked since their last visit. Thread 0's set is the one the step visits. */
    private final long[][] marks;
    private final SimPeer[] byRank;
    /** Ranks below this one have arrived. */
    private int arrived;

    /** {@code byRank}: the peers in arrival order; {@code threads}: threads that may {@link #mark}. */
    DueTurns(SimPeer[] byRank, int threads) {
        this.byRank = byRank;
        this.dueAt = new long[byRank.length];
        java.util.Arrays.fill(dueAt, Long.MAX_VALUE);
        this.marks = new long[threads][(byRank.length + 63) >>> 6];
    }

    /** {@code p} arrived (in rank order): its new choker has never run a round, so it is due at once. */
    void arrived(SimPeer p) {
        dueAt[p.rank] = Long.MIN_VALUE;
        arrived = Math.max(arrived, p.rank + 1);
    }

    void departed(SimPeer p) { dueAt[p.rank] = Long.MAX_VALUE; }

    /** {@code p}'s choker may have run a round (any thread; each peer's own entry). */
    void decided(SimPeer p) { dueAt[p.rank] = p.choker.nextRoundAt(); }

    /** Marks {@code p} for a look at the next visit of its rank, from thread {@code thread}. */
    void mark(SimPeer p, int thread) { marks[thread][p.rank >>> 6] |= 1L << p.rank; }

    /**
     * A downloader newly interested in {@code p} reached it (from thread {@code thread}): the flag its turn reads, and
     * the mark that has the turn visited. The one way the flag is set, so it never goes without its mark.
     */
    void interested(SimPeer p, int thread) {
        p.newlyInterested = true;
        mark(p, thread);
    }

    /**
     * This thread's mark on {@code p} if its market policy now wants an early round: called after a bid or an exposure
     * verdict reached it, the calls by which the policy may come to want one.
     */
    void marketTouched(SimPeer p) { marketTouched(p, 0); }

    /** {@link #marketTouched(SimPeer)} from thread {@code thread}. */
    void marketTouched(SimPeer p, int thread) {
        if (p.market != null && p.market.roundWanted()) mark(p, thread);
    }

    /** Start of a step at {@code now}: the other threads' marks merged, and every peer whose interval ran out marked. */
    void collect(long now) {
        long[] m = marks[0];
        for (int t = 1; t < marks.length; t++) {
            long[] o = marks[t];
            for (int w = 0; w < m.length; w++) {
                m[w] |= o[w];
                o[w] = 0;
            }
        }
        long[] due = dueAt;
        for (int r = 0, n = arrived; r < n; r++) if (due[r] <= now) m[r >>> 6] |= 1L << r;
    }

    /** The first marked rank from {@code rank} on, its mark cleared; -1 if none. */
    int take(int rank) {
        long[] m = marks[0];
        int w = rank >>> 6;
        if (w >= m.length) return -1;
        long bits = m[w] & (-1L << rank);
        while (bits == 0) {
            if (++w == m.length) return -1;
            bits = m[w];
        }
        int r = (w << 6) + Long.numberOfTrailingZeros(bits);
        m[w] &= ~(1L << r);
        return r;
    }

    SimPeer peer(int rank) { return byRank[rank]; }

    /** Whether {@code p} is marked in this thread's set (checks under -ea). */
    boolean marked(SimPeer p) { return (marks[0][p.rank >>> 6] & (1L << p.rank)) != 0; }
}
