package io.btspeed.sim;

import static io.btspeed.sim.Interest.interested;

import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.core.picker.PiecePicker;
import io.btspeed.market.policy.Autobid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The swarm's choke step, once a round: bids first, then each present peer's turn in order (a forced round for a
 * newcomer's interest, or its due round with the earnings rule and maybe an announce). A round is decided by the
 * peer's own core {@link io.btspeed.core.choke.Choker} (tit-for-tat, or the market's slot policy around it) from the
 * rates and interest on its links, and applied to the links: chokes void the downloaders' requests, paid slots won
 * and lost reach the payment flows. The decisions of the turns between two announces that connect peers run on both
 * threads and are applied in peer order, so the result does not depend on the threads ({@link #turns}).
 *
 * <p>What a turn needs of the rest of the swarm, new connections from the tracker and a departure, it asks through
 * the {@link Tracker} and the callback it was given.
 */
final class ChokeRounds {
    private final List<SimPeer> present;
    /** The present peers that bid, in {@link #present}'s order. */
    private final List<SimPeer> presentBidders;
    /** Whose turns to visit. */
    private final DueTurns due;
    private final Scenario.Group[] groupOf;
    private final Tokens tokens;
    private final SimPayments payments;
    private final Tracker tracker;
    private final Consumer<SimPeer> depart;

    /** The swarm's tracker, as the turns ask it. */
    interface Tracker {
        /**
         * The present peers an announce of {@code p} now connects it to, in order, drawn from the run's random numbers
         * as the announce does, none of them connected yet; {@code p} announces next 30 s from now. Nothing else changes.
         */
        List<SimPeer> draw(SimPeer p);

        /** Connects {@code p} to the peers {@link #draw} gave it, in order. */
        void connect(SimPeer p, List<SimPeer> drawn);
    }
    private final int uploadSlots, neighbors, pieces;
    private final long pieceSize, roundNanos;
    /** Choke rounds worth a hand-over to a worker. */
    private static final int MIN_DECISIONS = 32;
    /** A choke round's peer stats, for the rounds decided on this thread (scratch). */
    private final List<PeerStats> chokeStats = new ArrayList<>(64);
    private int[] unchokedKeys = new int[8], paidKeys = new int[8];
    private long now;
    private Slices slices;
    private long auctions;
    /** Written by the first pass before the rounds are applied, so the JIT keeps its loads. */
    private long warm;

    /**
     * @param present the swarm's present peers, in order (read at each step; the swarm keeps it)
     * @param presentBidders the present peers that bid, in the same order (the swarm keeps it)
     * @param due     whose turns need a look (the swarm and the payments mark peers there too)
     * @param threads   threads the steps are sliced over ({@link Slices}), this one included
     */
    ChokeRounds(Scenario sc, List<SimPeer> present, List<SimPeer> presentBidders, Scenario.Group[] groupOf, Tokens tokens,
                SimPayments payments, DueTurns due, long roundNanos, int threads, Tracker tracker,
                Consumer<SimPeer> depart) {
        this.present = present;
        this.presentBidders = presentBidders;
        this.due = due;
        this.groupOf = groupOf;
        this.tokens = tokens;
        this.payments = payments;
        this.tracker = tracker;
        this.depart = depart;
        this.uploadSlots = sc.uploadSlots();
        this.neighbors = sc.neighbors();
        this.pieces = sc.pieces();
        this.pieceSize = sc.pieceSize();
        this.roundNanos = roundNanos;
        @SuppressWarnings("unchecked")
        List<SimPeer>[] lists = new List[Slices.maxParts(threads)];
        for (int k = 0; k < lists.length; k++) lists[k] = new ArrayList<>();
        this.rebidders = lists;
    }

    /** Rounds applied that sold a paid slot. */
    long auctions() { return auctions; }

    /** The step at virtual time {@code now}, its decisions sliced over {@code slices}. */
    void run(long now, Slices slices) {
        this.now = now;
        this.slices = slices;
        try {
            turns();
        } finally {
            this.slices = null;
        }
    }

    private void turns() {
        // bids first, so every auction this round sees the bidders' current prices: each round, as the engine
        // re-bids on its 1 s tick. The targets are worked out on both threads (each reads only its bidder's balance
        // and channels), then the changed ones reach the sellers' auctions in peer order.
        slices.forEach(presentBidders.size(), Slices.MIN_PEERS, this::bidTargets);
        rebidAll();
        // Each peer's turn, in order: a forced round (a newcomer's interest and a free slot), or when its round is due
        // the earnings rule, maybe an announce, then the round. A round's decision (stats, the choker and its policy)
        // reads other peers' bitfields and logs and writes only this peer's choker, policy and outgoing links' rate
        // and interest memos; applying it (chokes void requests at downloaders' pickers, lost paid slots reach the
        // payment flows) changes nothing another decision reads, and neither changes whether another peer's round is
        // due. Only an announce that connects a peer does (new links, their Interested, bids reaching auctions). So
        // the turns up to the next such announce are planned first, their decisions made on both threads and applied
        // in peer order as they come (decideAndApply); the announcing peer's turn follows on this thread, and planning
        // resumes after it. Same results as one turn after another. An announce is drawn when its turn is planned
        // (which peers it draws depends on nothing the turns before it change, and only announces draw from the run's
        // random numbers here): one that connects nobody, a seed's in a swarm of seeds nine times in ten, is a turn
        // like any other.
        // Only the peers due or marked are visited (DueTurns), in the present list's order; a visit of any other
        // peer did nothing. Marks set during the step ahead of the visit under way are visited in it.
        due.collect(now);
        assert dueOrMarkedAreMarked(true);
        List<SimPeer> leaving = null;
        for (int next = 0; next >= 0; ) {
            int planned = 0;
            SimPeer announcer = null;
            List<SimPeer> drawn = null;
            for (int r; announcer == null && (r = due.take(next)) >= 0; ) {
                next = r + 1;
                SimPeer p = due.peer(r);
                if (!p.present) continue;
                if (!p.choker.roundDue(now)) {
                    // as the engine does on an Interested message: a free slot (the optimistic one counts) is not left
                    // idle until the next round; the forced round restarts the interval
                    boolean newcomer = p.newlyInterested;
                    p.newlyInterested = false;
                    if (newcomer && p.nUnchoked() < uploadSlots) planned = plan(planned, p, true);
                    continue;
                }
                p.newlyInterested = false;
                if (p.earnRing != null && earningsTooLow(p)) {
                    if (leaving == null) leaving = new ArrayList<>();
                    leaving.add(p);
                    continue;
                }
                if (now >= p.nextAnnounceAt && p.out.size() < neighbors / 2) {
                    drawn = tracker.draw(p);
                    if (!drawn.isEmpty()) {
                        announcer = p;
                        continue;
                    }
                }
                planned = plan(planned, p, false);
            }
            if (planned >= MIN_DECISIONS && slices.threads() > 1) {
                decideAndApply(planned);
            } else {
                for (int k = 0; k < planned; k += FirstLoads.DECISIONS) {
                    decideBatch(k, Math.min(planned, k + FirstLoads.DECISIONS), chokeStats, null, 0);
                }
                // the links the rounds may change and their downloaders, loaded in one sweep so those cache misses
                // overlap
                long warm = 0;
                for (int k = 0; k < planned; k++) {
                    List<Link> affected = plannedPeers[k].affected;
                    for (int j = 0, m = affected.size(); j < m; j++) warm += affected.get(j).down.nUnchokedBy;
                }
                this.warm = warm;
                for (int k = 0; k < planned; k++) apply(k);
            }
            if (announcer != null) {
                tracker.connect(announcer, drawn);
                applyRound(announcer, decideRound(announcer, false, chokeStats));
            } else {
                next = -1; // no mark left
            }
        }
        if (leaving != null) for (SimPeer p : leaving) depart.accept(p);
        assert dueOrMarkedAreMarked(false);
    }

    /**
     * Checked under -ea (the tests): every present peer newly interested or whose market policy wants a round is
     * marked for a visit, and at the step's start ({@code start}) every peer whose round is due, which the full sweep
     * of every present peer would have visited. At the end, the marks left are for the next step.
     */
    private boolean dueOrMarkedAreMarked(boolean start) {
        for (SimPeer p : present) {
            boolean flagged = p.newlyInterested || (p.market != null && p.market.roundWanted());
            if ((flagged || (start && p.choker.roundDue(now))) && !due.marked(p)) {
                throw new AssertionError("peer " + p.id + " due or flagged but not marked (newly interested "
                        + p.newlyInterested + ", round due " + p.choker.roundDue(now) + ")");
            }
        }
        return true;
    }

    /** Peers whose choke round is decided in the current batch, and whether each is forced. */
    private SimPeer[] plannedPeers = new SimPeer[64];
    private boolean[] plannedForced = new boolean[64];

    private int plan(int planned, SimPeer p, boolean force) {
        if (planned == plannedPeers.length) {
            plannedPeers = Arrays.copyOf(plannedPeers, 2 * planned);
            plannedForced = Arrays.copyOf(plannedForced, 2 * planned);
        }
        plannedPeers[planned] = p;
        plannedForced[planned] = force;
        return planned + 1;
    }

    /** Applies planned round {@code k}'s decision and lets the peer go from the plan. This thread only. */
    private void apply(int k) {
        SimPeer p = plannedPeers[k];
        applyRound(p, p.decision);
        p.decision = null;
        plannedPeers[k] = null;
    }

    /**
     * The planned rounds decided on both threads and applied in peer order on this one, at once: a worker decides
     * the plan's rounds a batch at a time, this thread applies each round as soon as it and all before it are
     * decided, and while the next one is not, takes the next batch to decide itself. That applying a round changes
     * nothing another decision reads ({@link #turns}) is what lets the two overlap; so the result is the one of
     * deciding every round first, and of one turn after another. Applying, on one thread, no longer waits for the
     * last decision. Both threads take batches from the front: the rounds this thread decided from the back of the
     * plan could only be applied after all the worker's, at the end, while the worker had nothing left to do.
     */
    private void decideAndApply(int planned) {
        int stamp = ++batch;
        if (ready.length() < planned) ready = new AtomicIntegerArray(Math.max(planned, 2 * ready.length()));
        AtomicIntegerArray done = ready;
        claimed.set(0);
        plannedCount = planned;
        workerFailed = false;
        slices.alongside(() -> {
            // a list of the worker's own, from its own allocation buffer: two lists made side by side, one per
            // thread, could share a cache line that every add on one thread would take from the other
            List<PeerStats> stats = new ArrayList<>(64);
            try {
                for (int c; (c = claim()) >= 0; ) decideBatch(c, Math.min(planned, c + FirstLoads.DECISIONS), stats, done, stamp);
            } catch (RuntimeException | Error e) {
                workerFailed = true;
                throw e;
            }
        }, () -> {
            int applied = 0;
            while (applied < planned && !workerFailed) {
                if (done.get(applied) == stamp) {
                    apply(applied++);
                    continue;
                }
                int c = claim();
                if (c >= 0) decideBatch(c, Math.min(planned, c + FirstLoads.DECISIONS), chokeStats, done, stamp);
                else Thread.onSpinWait(); // the rest is the worker's, under way
            }
        });
    }

    /**
     * Decides planned rounds {@code from}..{@code to} (at most {@link FirstLoads#DECISIONS}, whose first loads come in
     * one sweep) with the calling thread's {@code stats}; with {@code done}, marks each one done with {@code stamp}.
     */
    private void decideBatch(int from, int to, List<PeerStats> stats, AtomicIntegerArray done, int stamp) {
        SimPeer first = plannedPeers[from]; // (once marked done, a round may be applied and its slot cleared)
        long warmed = FirstLoads.decisions(plannedPeers, from, to);
        for (int k = from; k < to; k++) {
            SimPeer p = plannedPeers[k];
            p.decision = decideRound(p, plannedForced[k], stats);
            if (done != null) done.set(k, stamp); // publishes the decision (and what it wrote) to the applying thread
        }
        FirstLoads.keep(first, warmed);
    }

    /**
     * Takes the next {@link FirstLoads#DECISIONS} planned rounds not yet taken (fewer at the plan's end): the first
     * one's index, or -1 when none is left.
     */
    private int claim() {
        int from = claimed.getAndAdd(FirstLoads.DECISIONS);
        return from < plannedCount ? from : -1;
    }

    /** Planned rounds taken so far, and how many there are, while {@link #decideAndApply} runs. */
    private final AtomicInteger claimed = new AtomicInteger();
    private volatile int plannedCount;
    /** Per planned round: the batch's stamp once decided ({@link #decideAndApply}); stamps spare clearing it. */
    private AtomicIntegerArray ready = new AtomicIntegerArray(64);
    private int batch;
    /** The worker's decisions failed: stop waiting for them (the failure is passed on when the worker is joined). */
    private volatile boolean workerFailed;

    /**
     * The bid targets of the present bidders {@code from}..{@code to} (into {@link SimPeer#bidTarget}; the others
     * never bid, and visiting them was a cache miss each a round), and those whose bid
     * changes by enough to bid again, in order, into slice {@code part}'s list; writes nothing else. The slices' lists
     * taken in order are the present bidders that rebid, in peer order, whatever the threads: the step that follows
     * visits only them, not every present peer.
     */
    private void bidTargets(int from, int to, int part, int thread) {
        List<SimPeer> rebid = rebidders[part];
        for (int i = from; i < to; i++) {
            SimPeer p = presentBidders.get(i);
            if (!p.spending.on() || p.picker == null) continue;
            long remaining = (long) (pieces - p.have.cardinality()) * pieceSize;
            long target = p.spending.target(Autobid.DEFAULT, tokens.balance(p.id), p.spent, payments.unspentEscrow(p.id), remaining);
            target = p.shaded(target);
            p.bidTarget = target;
            if (Autobid.shouldRebid(p.standingBid, target)) rebid.add(p);
        }
    }

    /** The bidders that bid again this step, one list per slice of {@link #bidTargets}. */
    private final List<SimPeer>[] rebidders;

    /**
     * The rebidders' new bids (their {@link SimPeer#bidTarget}) become their standing bids and reach their sellers'
     * auctions, in peer order at each seller. The sellers are split between the two threads by id (each thread
     * offers every rebidder's bid to its own sellers, in the same order), as a seller's auction is its own: the offers
     * to one seller come in the order one thread after another would make them, and the result does not depend on
     * the threads. A few rebidders are not worth the hand-over.
     */
    private void rebidAll() {
        int n = 0;
        for (List<SimPeer> part : rebidders) n += part.size();
        if (n >= MIN_REBIDS && slices.threads() > 1) {
            slices.alongside(() -> offerBids(1, 1), () -> offerBids(0, 0));
        } else {
            offerBids(0, 0);
            offerBids(1, 0);
        }
        for (List<SimPeer> part : rebidders) {
            for (int i = 0; i < part.size(); i++) {
                SimPeer p = part.get(i);
                p.standingBid = p.bidTarget;
            }
            part.clear();
        }
    }

    /** Rebids worth a hand-over of half their sellers to a worker. */
    private static final int MIN_REBIDS = 16;

    /**
     * Every rebidder's new bid, in peer order, offered to its sellers whose id is {@code parity} modulo 2; on thread
     * {@code thread} (for the marks of sellers whose policy now wants a round). Reads the rebidders and their incoming
     * links, writes only those sellers' auctions.
     */
    private void offerBids(int parity, int thread) {
        for (List<SimPeer> part : rebidders) {
            for (int i = 0; i < part.size(); i++) {
                SimPeer p = part.get(i);
                long target = p.bidTarget;
                List<Link> in = p.in;
                for (int k = 0, m = in.size(); k < m; k++) {
                    Link l = in.get(k);
                    if (!l.upMarket || (l.upId & 1) != parity) continue;
                    l.up.market.offer(p.key, target);
                    due.marketTouched(l.up, thread);
                }
            }
        }
    }

    private boolean earningsTooLow(SimPeer p) {
        p.earnRing[p.earnPos++ % p.earnRing.length] = p.earnedSinceTick;
        p.earnedSinceTick = 0;
        long seeding = now - (p.completedAt >= 0 ? p.completedAt : p.arrivedAt);
        // judge only a full window of seeding: the ring is counted in this peer's choke rounds
        if (p.earnPos < p.earnRing.length || seeding < Math.round(groupOf[p.id].departure().seconds() * 1e9)) return false;
        long sum = 0;
        for (long e : p.earnRing) sum += e;
        return sum < groupOf[p.id].departure().minEarnings();
    }

    /**
     * {@code u}'s choke round, decided: the rates since its last round and who is interested go to its choker. Null
     * when the choker does not run a round now. Writes only {@code u}, its choker and policy, and its outgoing
     * links' interest memos and rate snapshots (and the reverse links' download snapshots, which only {@code u}'s
     * rounds write) and {@code u.affected}: decisions for different peers may run at once. {@code stats} is the calling thread's list.
     */
    private UnchokeDecision decideRound(SimPeer u, boolean force, List<PeerStats> stats) {
        double secs = Math.max(roundNanos, now - u.lastChokeAt) / 1e9;
        u.lastChokeAt = now;
        stats.clear();
        // first what each link's stats read besides the link (the reverse link's bytes, the downloader's bitfield and
        // its catch-up cursor), in one sweep without a branch, so those cache misses overlap instead of coming one
        // link after another in the loop below, which then finds them in cache
        List<Link> out = u.out;
        long warm = 0;
        for (int i = 0, n = out.size(); i < n; i++) {
            Link l = out.get(i);
            warm += l.reverse.bytes + l.downHave.cardinality() + l.downHave.word(l.hint >>> 6) + l.cursor();
        }
        u.warm = (int) warm;
        for (Link l : out) {
            Link back = l.reverse;
            double upRate = (l.bytes - l.snapUp) / secs, downRate = (back.bytes - back.snapDown) / secs;
            l.snapUp = l.bytes;
            back.snapDown = back.bytes;
            // the downloader as the link knows it (key, bitfield, market flag): the peer object is not loaded
            stats.add(new PeerStats(l.downKey, interested(l), !l.unchoked, downRate, upRate, l.downHave.isComplete(), false,
                    l.connectedAt, l.downMarket));
        }
        UnchokeDecision d = force ? u.choker.forceRound(now, stats, u.complete(), uploadSlots)
                : u.choker.tick(now, stats, u.complete(), uploadSlots).orElse(null);
        due.decided(u);
        if (d != null) affectedLinks(u, d);
        return d;
    }

    /**
     * Puts in {@code u.affected} the links the decision may change, in {@code u.out}'s order: the ones unchoked now
     * or by the decision. Every other link stays choked, unpaid and at price 0, so applying the round (on the main
     * thread, one peer after another) need not touch it; finding them here, while the links are in this thread's
     * cache from the stats just read, spares the main thread a pass over every neighbour.
     */
    private static void affectedLinks(SimPeer u, UnchokeDecision d) {
        int[] keys = new int[d.unchoked().size()];
        int n = 0;
        for (Integer k : d.unchoked()) keys[n++] = k;
        u.affected.clear();
        for (Link l : u.out) if (l.unchoked || containsKey(keys, n, l.downKey)) u.affected.add(l);
    }

    /**
     * Applies {@code u}'s decided round (nothing if null): chokes, unchokes, paid slots won and lost, over the links
     * the decision may change ({@code u.affected}, in {@code u.out}'s order). This thread only.
     */
    private void applyRound(SimPeer u, UnchokeDecision d) {
        if (d == null) return;
        Set<Integer> paid = d.paid();
        long price = u.market == null ? 0 : u.market.lastAuction().clearingPrice();
        if (!paid.isEmpty()) auctions++;
        // the decision's few keys unboxed once, instead of a boxed set lookup per link
        int nUn = 0, nPaid = 0;
        if (unchokedKeys.length < d.unchoked().size()) unchokedKeys = new int[d.unchoked().size()];
        if (paidKeys.length < paid.size()) paidKeys = new int[paid.size()];
        for (Integer k : d.unchoked()) unchokedKeys[nUn++] = k;
        for (Integer k : paid) paidKeys[nPaid++] = k;
        u.clearUnchoked();
        List<Link> affected = u.affected;
        for (int i = 0; i < affected.size(); i++) {
            Link l = affected.get(i);
            boolean un = containsKey(unchokedKeys, nUn, l.downKey);
            if (!un && l.unchoked) {
                dropInFlight(l);
                l.down.removeUnchokedBy(l);
            }
            if (un && !l.unchoked) {
                l.startAt = now + 2 * (u.latencyNanos + l.down.latencyNanos);
                l.down.addUnchokedBy(l);
            }
            l.unchoked = un;
            boolean wasPaid = l.paid;
            l.paid = un && containsKey(paidKeys, nPaid, l.downKey);
            l.price = l.paid ? price : 0;
            if (wasPaid && !l.paid) payments.slotLost(l, now);
            if (un) u.addUnchoked(l);
        }
        affected.clear();
    }

    private static boolean containsKey(int[] keys, int n, int key) {
        for (int i = 0; i < n; i++) if (keys[i] == key) return true;
        return false;
    }

    /**
     * A choke voids the requests in flight. Whole 16 KiB blocks already received stay with the downloader (as in
     * a real client, which keeps a partial piece's blocks); the block under way is lost.
     */
    private void dropInFlight(Link l) {
        if ((l.piece >= 0 || l.next >= 0) && l.down.picker != null) {
            long done = (pieceSize - l.remaining) / PiecePicker.BLOCK_SIZE * PiecePicker.BLOCK_SIZE;
            if (l.piece >= 0 && done > 0) l.down.partial.put(l.piece, done);
            l.down.picker.cancelAll(l); // the queued piece's request too
            l.down.retryPicks();
        }
        l.piece = -1;
        l.next = -1;
        l.remaining = 0;
    }
}
