package io.btspeed.sim;

import io.btspeed.core.picker.PiecePicker;
import java.util.List;

/**
 * The first loads of a step's next few peers, made together before the step works on them one after another. A
 * step over thousands of peers starts each peer with a chain of cache misses (the peer, its arrays, what they point
 * to); taken peer after peer they come one at a time. Here each sweep loads one level of pointers for a handful of
 * peers, without a branch, so those misses overlap, and the step then finds the lines in cache. The sums returned are
 * kept ({@link #keep}) only so the compiler keeps the loads. Nothing here changes what a step computes.
 */
final class FirstLoads {
    private FirstLoads() {}

    /** Peers per batch for the per-peer steps (catch-up, deliveries). */
    static final int PEERS = 16;
    /** Uploaders per batch for the choke decisions (each reads all its links). */
    static final int DECISIONS = 8;

    /**
     * Peers {@code from}..{@code to}'s catch-ups: the peers; their feeds, bitfields and pickers; the feeds' state, the
     * words and the pickers' arrays ({@link PiecePicker#prefetchHaves}).
     */
    static long catchUps(List<SimPeer> peers, int from, int to) {
        long w = 0;
        for (int i = from; i < to; i++) {
            SimPeer d = peers.get(i);
            w += d.logLen + d.nUnchokedBy;
        }
        for (int i = from; i < to; i++) {
            SimPeer d = peers.get(i);
            PiecePicker pk = d.picker;
            w += d.feed.active + d.have.cardinality() + d.shown.cardinality() + d.unchokedBy.length
                    + (pk == null ? 0 : pk.pieceCount());
        }
        for (int i = from; i < to; i++) {
            SimPeer d = peers.get(i);
            PiecePicker pk = d.picker;
            if (pk == null) continue; // a seed's catch-up reads none of these (a quarter of the benchmark's visits)
            w += d.feed.state[0] + pk.prefetchHaves();
            for (int k = 0, n = d.have.wordCount(); k < n; k += 8) w += d.have.word(k);
            Link[] by = d.unchokedBy;
            for (int k = 0, n = d.nUnchokedBy; k < n; k++) w += by[k].piece;
        }
        // the bitfields of the uploaders that unchoke them, which their picks ahead read whole
        for (int i = from; i < to; i++) {
            SimPeer d = peers.get(i);
            Link[] by = d.unchokedBy;
            for (int k = 0, n = d.nUnchokedBy; k < n; k++) w += by[k].upHave.wordCount();
        }
        return w;
    }

    /**
     * Peers {@code from}..{@code to}'s deliveries: the peers; their arrays of unchoking links, pickers and logs; the
     * links, the pickers' arrays ({@link PiecePicker#prefetchArrivals}) and the line of the log a piece that arrives is
     * written to.
     */
    static long links(List<SimPeer> peers, int from, int to) {
        long w = 0;
        for (int i = from; i < to; i++) w += peers.get(i).nUnchokedBy;
        for (int i = from; i < to; i++) {
            SimPeer p = peers.get(i);
            Link[] ls = p.unchokedBy;
            PiecePicker pk = p.picker;
            w += ls.length + (ls[0] == null ? 0 : 1) + (pk == null ? 0 : pk.pieceCount()) + p.log.length;
        }
        for (int i = from; i < to; i++) {
            SimPeer p = peers.get(i);
            Link[] ls = p.unchokedBy;
            PiecePicker pk = p.picker;
            for (int k = 0, n = p.nUnchokedBy; k < n; k++) w += ls[k].startAt;
            if (pk != null) w += pk.prefetchArrivals() + p.log[p.logLen]; // a seed receives nothing
        }
        return w;
    }

    /**
     * Uploaders {@code from}..{@code to}'s choke decisions: the uploaders, their lists of links, the links (each
     * decision then loads what its links point to in a sweep of its own).
     */
    static long decisions(SimPeer[] uploaders, int from, int to) {
        long w = 0;
        for (int k = from; k < to; k++) w += uploaders[k].lastChokeAt;
        for (int k = from; k < to; k++) w += uploaders[k].out.size();
        for (int k = from; k < to; k++) {
            List<Link> out = uploaders[k].out;
            for (int i = 0, n = out.size(); i < n; i++) w += out.get(i).bytes;
        }
        return w;
    }

    /** Keeps a sum of first loads on {@code p}, one of the peers of the calling thread's own slice. */
    static void keep(SimPeer p, long w) { p.warm += (int) w; }

    /** {@link #keep} on the first peer of slice {@code from}..{@code to}, if it has one. */
    static void keep(List<SimPeer> peers, int from, int to, long w) {
        if (to > from) keep(peers.get(from), w);
    }
}
