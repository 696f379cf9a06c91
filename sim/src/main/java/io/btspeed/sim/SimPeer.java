package io.btspeed.sim;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.choke.Choker;
import io.btspeed.core.picker.PiecePicker;
import io.btspeed.market.policy.MarketSlotPolicy;
import io.btspeed.market.policy.Spending;
import java.util.ArrayList;
import java.util.List;

/** One simulated peer: capacities, the real choker/picker/market objects it runs, and what happened to it. */
final class SimPeer {
    final int id;
    /** Handle in other peers' chokers and auctions (a random permutation of ids). */
    int key;
    /** Place in the order of arrival ({@link DueTurns}). */
    int rank;
    final int group;
    final Kind kind;
    final double upBps, downBps;
    final long latencyNanos;
    final double shading;
    /** {@link #shading} in millionths: a bid is shaded in whole base units, never in floating point. */
    private final long shadingPpm;
    final Spending spending;
    /** Its pieces; while it has a picker, that picker's own record of them, set as pieces are verified. */
    final Bitfield have;
    /**
     * What neighbours' pickers are shown while pieces move in a round: {@link #have} as of the round's start (the
     * pieces in {@link #log} up to {@link #shownLen}). A piece gained during the round reaches them with the next
     * round's Haves, as it reaches their pickers' counts; and the round's deliveries run per downloader on several
     * threads, which must not read a bitfield another thread is setting. The same object as {@code have} for a
     * peer that starts complete (it never changes).
     */
    final Bitfield shown;
    int shownLen;
    /** Null once complete: a seed picks nothing and the memory goes back. */
    PiecePicker picker;
    Choker choker;
    /** Set when the peer arrives, before it has a link, and never changed ({@link Link#upMarket} keeps whether it is null). */
    MarketSlotPolicy market;
    final List<Link> out = new ArrayList<>(), in = new ArrayList<>();
    /**
     * Links {@code up == this} that are unchoked (the only ones that can carry data): the first {@link #nUnchoked()}.
     * This and {@link #unchokedBy} are arrays on the peer rather than lists: every round reads them for every peer,
     * when they are out of cache, and a list was one more object to load.
     */
    Link[] unchoked = new Link[8];
    /**
     * How many links each peer unchokes, by id, one array for the swarm: a catch-up asks whether an uploader has a free
     * slot for each uploader that gained a piece its downloader lacks, and reads it here, in a few lines every catch-up
     * shares, instead of loading the link and the uploader (two cache misses, one after the other).
     */
    private final int[] unchokedCounts;
    /** The links its decided choke round may change ({@code ChokeRounds.affectedLinks}), until the round is applied. */
    final List<Link> affected = new ArrayList<>(8);
    /**
     * Links {@code down == this} whose uploader unchokes it, in the order of {@link #in} (by {@link Link#seq}): the
     * first {@link #nUnchokedBy}. The round's picks ahead and deliveries walk these few instead of every incoming link.
     */
    Link[] unchokedBy = new Link[8];
    int nUnchokedBy;

    boolean present, departed;
    long arrivedAt = -1, completedAt = -1, departedAt = -1;
    long nextAnnounceAt, lastChokeAt;
    /** A downloader became interested in this peer since its last choke round (the engine's Interested message). */
    boolean newlyInterested;
    /** This round's choke decision, made (maybe on a worker) before the rounds are applied in peer order. */
    io.btspeed.core.choke.UnchokeDecision decision;
    /**
     * Written by the first passes that load what a loop will miss on, so the JIT keeps their loads: the catch-up's and
     * the deliveries' (as downloader, {@code TransferRound}), the choke decision's (as uploader, {@code ChokeRounds}). Each is
     * written only by the thread working on this peer in that step.
     */
    int warm;
    long standingBid;
    /** The round (transfer round number) in which one of its paid pieces was left for the round's settling. */
    long payLaterRound = -1;
    /** This round's bid target, worked out before the bids go out ({@code ChokeRounds.bidTargets}). */
    long bidTarget;
    long spent, earned, unpaid, paidBytes;
    /** Bytes received; bytes sent over links since closed (an open link's own count is added at the end). */
    long bytesDown, bytesUp, usefulDown;
    /** Earnings per choke interval, a ring over the departure window (earnings departure rule). */
    long[] earnRing;
    int earnPos;
    long earnedSinceTick;
    /**
     * Pieces gained here, in order: neighbours' pickers read this log from their own cursor once a round (as a batch
     * of Have messages), so a verified piece does not touch every neighbour's picker at once. -1 after the last
     * entry ({@link #logLen}), so a reader finds the end without reading the length here.
     */
    final int[] log;
    /** Its incoming links as its catch-up reads them. */
    final InFeed feed = new InFeed();
    int logLen;
    /** Its picker's last pick: one list for every pick (only the thread working on this peer's picker uses it). */
    final List<io.btspeed.core.picker.BlockRequest> picked = new ArrayList<>(1);
    /** Bytes (whole blocks) of pieces whose download a choke interrupted, resumed when the piece is picked again. */
    final PartialPieces partial = new PartialPieces();

    /** {@code unchokedCounts}: the swarm's counts of unchoked links by peer id ({@link #nUnchoked()}), this peer's included. */
    SimPeer(int id, int group, Scenario.Group g, int pieces, int[] unchokedCounts) {
        this.id = id;
        this.group = group;
        this.unchokedCounts = unchokedCounts;
        this.kind = g.kind();
        this.upBps = g.uploadKiBps() * 1024;
        this.downBps = g.downloadKiBps() * 1024;
        this.latencyNanos = (long) (g.latencyMs() * 1e6);
        this.shading = g.shading();
        this.shadingPpm = Math.round(g.shading() * PPM);
        this.spending = g.kind() == Kind.BIDDER ? new Spending(true, g.budget()) : Spending.OFF;
        this.have = new Bitfield(pieces);
        if (g.complete()) have.setAll();
        this.shown = g.complete() ? have : new Bitfield(pieces);
        // a seed gains nothing, so it needs neither log
        this.log = g.complete() ? new int[] {-1} : new int[pieces + 1];
        java.util.Arrays.fill(log, -1);
    }

    /** A peer of its own, not in a swarm: its count of unchoked links in an array of its own. */
    SimPeer(int id, int group, Scenario.Group g, int pieces) { this(id, group, g, pieces, new int[id + 1]); }

    /** Links it unchokes: the first ones of {@link #unchoked}. */
    int nUnchoked() { return unchokedCounts[id]; }

    boolean complete() { return have.isComplete(); }

    /** Its picker freed requests: every uploader may have something to give it again. */
    void retryPicks() { feed.clearNothing(); }

    private static final long PPM = 1_000_000;

    /**
     * What this bidder bids for an autobid {@code target} (base units, not negative): the target times its shading,
     * rounded down, worked out exactly in longs.
     */
    long shaded(long target) {
        if (shadingPpm == PPM) return target;
        return Math.addExact(Math.multiplyExact(target / PPM, shadingPpm), target % PPM * shadingPpm / PPM);
    }

    void addUnchoked(Link l) {
        int n = unchokedCounts[id];
        if (n == unchoked.length) unchoked = java.util.Arrays.copyOf(unchoked, 2 * n);
        unchoked[n] = l;
        unchokedCounts[id] = n + 1;
    }

    void removeUnchoked(Link l) { unchokedCounts[id] = remove(unchoked, unchokedCounts[id], l); }

    void clearUnchoked() {
        java.util.Arrays.fill(unchoked, 0, unchokedCounts[id], null);
        unchokedCounts[id] = 0;
    }

    /** Adds {@code l} to {@link #unchokedBy}, kept in link creation order (a handful of links: from the end). */
    void addUnchokedBy(Link l) {
        if (nUnchokedBy == unchokedBy.length) unchokedBy = java.util.Arrays.copyOf(unchokedBy, 2 * nUnchokedBy);
        int i = nUnchokedBy;
        while (i > 0 && unchokedBy[i - 1].seq > l.seq) i--;
        System.arraycopy(unchokedBy, i, unchokedBy, i + 1, nUnchokedBy - i);
        unchokedBy[i] = l;
        nUnchokedBy++;
    }

    void removeUnchokedBy(Link l) { nUnchokedBy = remove(unchokedBy, nUnchokedBy, l); }

    /** Removes {@code l} from the first {@code n} of {@code a}, keeping the order; returns the new count. */
    private static int remove(Link[] a, int n, Link l) {
        for (int i = 0; i < n; i++) {
            if (a[i] != l) continue;
            System.arraycopy(a, i + 1, a, i, n - i - 1);
            a[n - 1] = null;
            return n - 1;
        }
        return n;
    }
}
