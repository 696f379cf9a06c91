package io.btspeed.sim;

import java.util.Arrays;

/**
 * What a downloader's catch-up needs of its incoming links, in arrays on the downloader: each link's uploader log, how
 * far it was read (the link's cursor), a piece the uploader was found to offer (a hint: the downloader is interested
 * while it lacks it) and whether the last pick from that uploader found nothing.
 *
 * <p>Why not on the links: the catch-up visits every incoming link of every leecher once a round, between visits the
 * rest of the swarm pushes a link out of the caches and the TLB, and reaching a link, then its uploader, then the
 * uploader's log was three page walks per link, taken one after another whatever the order of the loads (a quarter
 * of a 10,000-peer run). From here it is one: the log's tail. A log ends in -1 after its last entry, so its length is
 * not read off the uploader either.
 *
 * <p>Slots are in no particular order (a closed link's slot takes another's): nothing the catch-up computes depends
 * on the order it visits links in. The first {@link #active} slots are the ones the catch-up visits; behind them are
 * the links it retired ({@link #retire}): their uploader has every piece and was read to the end of its log, so
 * nothing more can come through them (one visit in seven, over the 10,000-peer benchmark's flash crowd). A link knows
 * its slot and the state array ({@link Link#feedState}), which is replaced when the feed grows.
 */
final class InFeed {
    /**
     * Per slot: cursor, hint (-1: none), nothing-to-pick (0/1) and the uploader's id, side by side: one array, so one
     * object fewer to load per catch-up.
     */
    static final int STRIDE = 4, CURSOR = 0, HINT = 1, NOTHING = 2, UP = 3;
    /** The log of an uploader counted as a seed (HaveAll): never read, so it ends at once. */
    private static final int[] NO_LOG = {-1};
    Link[] links = new Link[16];
    int[][] logs = new int[16][];
    int[] state = new int[16 * STRIDE];
    /** Open links; the first {@code active} of them are the ones the catch-up visits. */
    int size, active;

    /**
     * Adds {@code l} (whose downloader this feed belongs to), its cursor at {@code cursor}, among the links the
     * catch-up visits; a link counted as a seed reads an empty log from 0 (its cursor is never compared with the
     * uploader's log).
     */
    void add(Link l, int cursor) {
        if (size == links.length) grow();
        int s = active++;
        if (s < size) move(s, size); // the first retired link makes room at the end
        size++;
        links[s] = l;
        logs[s] = l.countedAsSeed ? NO_LOG : l.up.log;
        state[s * STRIDE + CURSOR] = l.countedAsSeed ? 0 : cursor;
        state[s * STRIDE + HINT] = -1;
        state[s * STRIDE + NOTHING] = 0;
        state[s * STRIDE + UP] = l.up.id;
        l.slot = s;
        l.feedState = state;
    }

    /**
     * The link at slot {@code s} (one the catch-up visits) has nothing more to give the catch-up, ever: the last one
     * visited takes its slot and it goes behind them.
     */
    void retire(int s) {
        if (s < 0 || s >= active) throw new IllegalArgumentException("slot " + s + " is not among the " + active + " visited");
        int last = --active;
        if (s != last) swap(s, last);
    }

    void remove(Link l) {
        int s = l.slot;
        if (s < 0 || s >= size || links[s] != l) throw new IllegalStateException("link not in this feed at slot " + s);
        if (s < active) { // the last visited link fills the hole, which moves to the last visited slot
            int lastActive = --active;
            if (s != lastActive) move(lastActive, s);
            s = lastActive;
        }
        int last = --size;
        if (s != last) move(last, s);
        links[last] = null;
        logs[last] = null;
        l.slot = -1;
        l.feedState = null;
    }

    /** Swaps the links at slots {@code a} and {@code b}, with their state. */
    private void swap(int a, int b) {
        Link la = links[a];
        int[] logA = logs[a];
        for (int i = 0; i < STRIDE; i++) {
            int t = state[a * STRIDE + i];
            state[a * STRIDE + i] = state[b * STRIDE + i];
            state[b * STRIDE + i] = t;
        }
        links[a] = links[b];
        logs[a] = logs[b];
        links[b] = la;
        logs[b] = logA;
        links[a].slot = a;
        la.slot = b;
    }

    /** Moves the link at slot {@code from} with its state to slot {@code to}. */
    private void move(int from, int to) {
        Link moved = links[from];
        links[to] = moved;
        logs[to] = logs[from];
        System.arraycopy(state, from * STRIDE, state, to * STRIDE, STRIDE);
        moved.slot = to;
    }

    /** Every uploader may have something to give again (the picker freed requests). */
    void clearNothing() {
        for (int s = 0; s < size; s++) state[s * STRIDE + NOTHING] = 0;
    }

    private void grow() {
        int n = 2 * links.length;
        links = Arrays.copyOf(links, n);
        logs = Arrays.copyOf(logs, n);
        state = Arrays.copyOf(state, n * STRIDE);
        for (int s = 0; s < size; s++) links[s].feedState = state;
    }
}
