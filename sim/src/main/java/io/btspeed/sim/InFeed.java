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
 * <p>Slots are in no particular order (a closed link's slot takes the last one): nothing the catch-up computes depends
 * on the order it visits links in. A link knows its slot and the state array ({@link Link#feedState}), which is
 * replaced when the feed grows.
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
    int size;

    /**
     * Adds {@code l} (whose downloader this feed belongs to), its cursor at {@code cursor}; a link counted as a seed
     * reads an empty log from 0 (its cursor is never compared with the uploader's log).
     */
    void add(Link l, int cursor) {
        if (size == links.length) grow();
        int s = size++;
        links[s] = l;
        logs[s] = l.countedAsSeed ? NO_LOG : l.up.log;
        state[s * STRIDE + CURSOR] = l.countedAsSeed ? 0 : cursor;
        state[s * STRIDE + HINT] = -1;
        state[s * STRIDE + NOTHING] = 0;
        state[s * STRIDE + UP] = l.up.id;
        l.slot = s;
        l.feedState = state;
    }

    void remove(Link l) {
        int s = l.slot, last = --size;
        if (links[s] != l) throw new IllegalStateException("link not in this feed at slot " + s);
        if (s != last) {
            Link moved = links[last];
            links[s] = moved;
            logs[s] = logs[last];
            System.arraycopy(state, last * STRIDE, state, s * STRIDE, STRIDE);
            moved.slot = s;
        }
        links[last] = null;
        logs[last] = null;
        l.slot = -1;
        l.feedState = null;
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
