package io.btspeed.sim;

import static io.btspeed.sim.Interest.interested;

import io.btspeed.core.choke.Choker;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.core.picker.PiecePicker;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.policy.Autobid;
import io.btspeed.market.policy.MarketSlotPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The discrete-event swarm simulator. A virtual clock advances in rounds of {@code roundSeconds}; arrivals,
 * departures, choke rounds and samples are events on that clock, and the clock jumps over idle stretches.
 *
 * <p>Bandwidth is shared at flow level: each round an uploader splits its capacity over the unchoked links that have
 * a piece in flight, buyers in paid slots first as the engine's upload throttle serves them ({@link UploadShares}),
 * and a downloader offered more than its capacity scales every incoming flow down by the same factor. Everything that is a rule runs the shipped code: every peer has core's {@link Choker} with
 * {@link TitForTatPolicy} (plain peers) or the market's {@link MarketSlotPolicy} around it (market peers); every
 * leecher has core's {@link PiecePicker}; bidders bid with the market's {@link Autobid} within their
 * {@link io.btspeed.market.policy.Spending} budget; every piece received through a paid slot is paid at the
 * auction's clearing price through the market's payer and payee flows ({@link SimPayments}).
 *
 * <p>The unit of transfer is a piece. The picker is given a geometry of one 16 KiB block per piece, so its piece
 * choice (random first pieces, rarest first, endgame duplicates and cancels) is the real one while the simulator
 * moves the piece's real size as one flow — 16× fewer events than block-level picking. A choke drops the piece in
 * flight (like a peer without the Fast extension). A verified piece goes into the peer's log of gained pieces, and
 * each neighbour's picker reads that log once a round: the round's Have messages, applied as a batch. So a piece
 * gained during a round is known to the neighbours from the next round on, for counting and for picking alike: a
 * link that finishes a piece mid-round picks its next one from what the uploader had at the round's start.
 *
 * <p>Deterministic: all randomness comes from the scenario's seed; peers, links and events are visited in a
 * fixed order. A round's transfer runs on two cores where there are two, in slices of peers whose results do not
 * depend on each other: the pickers' catch-up and the deliveries per downloader (see
 * {@link TransferRound}); what the deliveries change that peers share (payments, completions, counts) is applied
 * afterwards in peer order. The choke rounds' decisions are made the same way (applied in peer order, see
 * {@link ChokeRounds}); everything else runs on the calling thread. One run at a time.
 */
public final class Swarm {
    private final Scenario sc;
    private final int pieces;
    private final long pieceSize;
    private final long roundNanos, chokeNanos, maxNanos, sampleNanos;
    private final ClearingRule rule;
    private final Random rng;
    private final SimPeer[] peers;
    private final Scenario.Group[] groupOf;
    private final Tokens tokens;
    /** Payments on paid links, through the market's own payer and payee flows (only paid links carry any). */
    private final SimPayments payments;
    /** Peers in order of arrival time (ties by id). */
    private final int[] arrivalOrder;
    private final long[] arrivalTime;
    private int nextArrival;
    private final PriorityQueue<long[]> departures = new PriorityQueue<>((a, b) ->
            a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    private final List<SimPeer> present = new ArrayList<>();
    /** The present peers that bid (spending on), in the present list's order. */
    private final List<SimPeer> presentBidders = new ArrayList<>();
    /** Whose choke turns the choke step visits. */
    private final DueTurns due;
    private final int[] holders;
    private int availablePieces;
    private int leechersPresent, seedsPresent, completedTotal;
    private long earnedTotal, bytesUp, bytesDown, useful;
    private final List<Sample> samples = new ArrayList<>();
    /** The threads a round's steps are sliced over, while {@link #run} runs. */
    private Slices slices;
    private final int threads;
    /** Threads in all, this one included. */
    private static final int MAX_THREADS = 2;
    private long now;
    /** The choke step of every round (bids, forced and due rounds, announces and earnings departures). */
    private final ChokeRounds chokeRounds;
    /** The transfer step of every round (catch-up, offers, deliveries), settled here. */
    private final TransferRound transfer;

    public Swarm(Scenario scenario) {
        this(scenario, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    /** With {@code threads} threads for the pickers' catch-up (1: all on the calling thread); results do not depend on it. */
    Swarm(Scenario scenario, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        this.threads = threads;
        this.sc = scenario;
        this.pieces = scenario.pieces();
        this.pieceSize = scenario.pieceSize();
        this.roundNanos = Math.max(1, Math.round(scenario.roundSeconds() * 1e9));
        this.chokeNanos = Math.round(scenario.chokeIntervalSeconds() * 1e9);
        this.maxNanos = Math.round(scenario.maxSeconds() * 1e9);
        this.sampleNanos = Math.round(scenario.sampleSeconds() * 1e9);
        this.rule = ClearingRule.fromWireName(scenario.market().rule());
        this.rng = new SimRandom(scenario.seed());
        int n = scenario.peerCount();
        this.peers = new SimPeer[n];
        this.groupOf = new Scenario.Group[n];
        this.tokens = new Tokens(n);
        SimPeer[] byRank = new SimPeer[n];
        this.due = new DueTurns(byRank, threads);
        this.payments = new SimPayments(tokens, pieceSize, rule.wireName(), due);
        this.chokeRounds = new ChokeRounds(scenario, present, presentBidders, groupOf, tokens, payments, due, roundNanos,
                threads, tracker, this::depart);
        this.holders = new int[pieces];
        this.arrivalTime = new long[n];
        int[] unchokedCounts = new int[n];
        int id = 0;
        for (int gi = 0; gi < scenario.groups().size(); gi++) {
            Scenario.Group g = scenario.groups().get(gi);
            double t = g.arrival().at();
            for (int k = 0; k < g.count(); k++, id++) {
                peers[id] = new SimPeer(id, gi, g, pieces, unchokedCounts);
                groupOf[id] = g;
                tokens.mint(id, g.budget());
                if (g.arrival().type().equals("poisson")) t += -Math.log(1 - rng.nextDouble()) / g.arrival().ratePerSecond();
                arrivalTime[id] = Math.round(t * 1e9);
            }
        }
        // the key a peer is known by to chokers and auctions: a random permutation, because tit-for-tat and the
        // auction break exact ties by key and ids follow the scenario's group order
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        for (int i = 0; i < n; i++) peers[i].key = perm[i];
        // peers arriving at the same instant arrive in a random order: by id, the first group listed would always
        // be first at the tracker and take the seed's connections
        long[] tie = new long[n];
        for (int i = 0; i < n; i++) tie[i] = rng.nextLong();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> arrivalTime[a] != arrivalTime[b] ? Long.compare(arrivalTime[a], arrivalTime[b])
                : tie[a] != tie[b] ? Long.compare(tie[a], tie[b]) : Integer.compare(a, b));
        this.arrivalOrder = new int[n];
        for (int i = 0; i < n; i++) {
            arrivalOrder[i] = order[i];
            peers[order[i]].rank = i;
            byRank[i] = peers[order[i]];
        }
        this.transfer = new TransferRound(scenario, peers, unchokedCounts, present, payments, due, roundNanos, threads);
    }

    public static SimResult run(Scenario scenario) { return new Swarm(scenario).run(); }

    public SimResult run() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        try (Slices s = new Slices(threads)) {
            slices = s;
            SimResult r = simulate();
            long cpu = mx.getCurrentThreadCpuTime() - cpu0 + s.workersCpuNanos();
            return new SimResult(r.scenario(), r.peers(), r.samples(), r.endSeconds(), r.supply(), r.balanceSum(),
                    r.auctions(), r.totalBytesUp(), r.totalBytesDown(), r.totalUsefulBytes(), r.wallMillis(), cpu / 1_000_000);
        } finally {
            slices = null;
        }
    }

    private SimResult simulate() {
        long wall0 = System.nanoTime();
        long nextSample = 0;
        now = 0;
        while (now <= maxNanos) {
            while (nextArrival < arrivalOrder.length && arrivalTime[arrivalOrder[nextArrival]] <= now) arrive(peers[arrivalOrder[nextArrival++]]);
            while (!departures.isEmpty() && departures.peek()[0] <= now) {
                SimPeer p = peers[(int) departures.poll()[1]];
                if (p.present) depart(p);
            }
            chokeRounds.run(now, slices);
            payments.tick(now);
            flow();
            if (now >= nextSample) {
                sample();
                nextSample += sampleNanos;
            }
            if (sc.stopWhenDone() && nextArrival == arrivalOrder.length && leechersPresent == 0) break;
            now += roundNanos;
            if (present.isEmpty() && nextArrival < arrivalOrder.length) {
                // nobody here: jump the clock to the round of the next arrival
                long next = arrivalTime[arrivalOrder[nextArrival]];
                if (next > now) now += (next - now + roundNanos - 1) / roundNanos * roundNanos;
                while (nextSample < now - sampleNanos) nextSample += sampleNanos;
            }
        }
        sample();
        payments.settleAll();
        tokens.checkSupply();
        List<PeerResult> out = new ArrayList<>(peers.length);
        for (SimPeer p : peers) out.add(result(p));
        return new SimResult(sc, out, List.copyOf(samples), now / 1e9, tokens.supply(), tokens.sum(), chokeRounds.auctions(), bytesUp,
                bytesDown, useful, (System.nanoTime() - wall0) / 1_000_000, 0);
    }

    // ---- arrivals, connections, departures ----

    private void arrive(SimPeer p) {
        p.present = true;
        p.arrivedAt = now;
        present.add(p);
        if (p.spending.on()) presentBidders.add(p);
        // java.util.Random's first draws are nearly equal for neighbouring seeds, and the picker's first draw is a
        // random first piece: mix the peer's seed so peers with consecutive ids do not start alike
        Random r = new SimRandom(new java.util.SplittableRandom(sc.seed() * 0x9E3779B97F4A7C15L + p.id).nextLong());
        TitForTatPolicy tft = new TitForTatPolicy(r);
        if (p.kind.market() && sc.market().paidSlots() > 0) {
            p.market = new MarketSlotPolicy(sc.market().paidSlots(), rule, sc.market().reservePrice(), tft);
            p.choker = new Choker(p.market, chokeNanos);
        } else {
            p.choker = new Choker(tft, chokeNanos);
        }
        due.arrived(p);
        if (p.complete()) {
            seedsPresent++;
            for (int i = 0; i < pieces; i++) gain(i);
            onSeeding(p);
        } else {
            leechersPresent++;
            for (int i = p.have.nextSetBit(0); i >= 0; i = p.have.nextSetBit(i + 1)) gain(i);
            p.shown.or(p.have);
            // one "block" per piece: the picker's piece choice is real, the simulator moves whole pieces. It keeps the
            // peer's pieces in the peer's own bitfield, which it sets as pieces are verified
            p.picker = PiecePicker.sharingHave(PiecePicker.BLOCK_SIZE, (long) pieces * PiecePicker.BLOCK_SIZE, p.have, r);
        }
        connectAll(p, drawPeers(p));
    }

    /** The tracker as the choke step asks it: an announce drawn first, its connections made apart. */
    private final ChokeRounds.Tracker tracker = new ChokeRounds.Tracker() {
        @Override
        public List<SimPeer> draw(SimPeer p) { return drawPeers(p); }

        @Override
        public void connect(SimPeer p, List<SimPeer> drawn) { connectAll(p, drawn); }
    };

    /**
     * An announce of {@code p}: the tracker's answer, random present peers with room, never seed to seed; connected
     * apart ({@link #connectAll}), in the order drawn. Draws from the run's random numbers and sets when {@code p}
     * announces next, and changes nothing else: which peers it draws depends only on who is present, their links and
     * who is complete, so it may be drawn ahead of turns that come before it and change none of those (the choke step's).
     */
    private List<SimPeer> drawPeers(SimPeer p) {
        p.nextAnnounceAt = now + 30_000_000_000L;
        int want = sc.neighbors() - p.out.size();
        boolean seed = p.complete();
        List<SimPeer> drawn = List.of();
        for (int tries = 0; want > 0 && tries < 3 * sc.neighbors() && present.size() > 1; tries++) {
            SimPeer q = present.get(rng.nextInt(present.size()));
            // (the same tests as connecting one at a time: a peer drawn before is connected by then)
            if (q == p || (seed && q.complete()) || q.out.size() >= sc.maxConnections() || connected(p, q)
                    || drawn.contains(q)) continue;
            if (drawn.isEmpty()) drawn = new ArrayList<>();
            drawn.add(q);
            want--;
        }
        return drawn;
    }

    private void connectAll(SimPeer p, List<SimPeer> drawn) {
        for (int i = 0; i < drawn.size(); i++) connect(p, drawn.get(i));
    }

    private long linkSeq;

    private static boolean connected(SimPeer a, SimPeer b) {
        for (Link l : a.out) if (l.down == b) return true;
        return false;
    }

    private void connect(SimPeer a, SimPeer b) {
        Link ab = new Link(a, b, now, linkSeq++), ba = new Link(b, a, now, linkSeq++);
        ab.reverse = ba;
        ba.reverse = ab;
        a.out.add(ab);
        b.in.add(ab);
        b.out.add(ba);
        a.in.add(ba);
        open(ab);
        open(ba);
    }

    /** The downloader learns what the uploader has (bitfield or HaveAll) and the bidder's standing bid reaches it. */
    private void open(Link l) {
        SimPeer u = l.up, v = l.down;
        if (v.picker == null) {
            v.feed.add(l, u.logLen);
            return;
        }
        if (u.complete()) {
            v.picker.peerHasAll();
            l.countedAsSeed = true; // HaveAll covers everything: its log is never read
        } else {
            v.picker.peerBitfield(u.have); // the bitfield covers the log so far
        }
        v.feed.add(l, u.logLen);
        if (interested(l)) due.interested(u, 0);
        if (v.standingBid > 0 && l.upMarket) {
            u.market.offer(v.key, v.standingBid);
            due.marketTouched(u);
        }
    }

    private void disconnect(SimPeer a, SimPeer b) {
        for (Link l : a.out) {
            if (l.down == b) {
                close(l);
                close(l.reverse);
                return;
            }
        }
    }

    private void close(Link l) {
        SimPeer u = l.up, v = l.down;
        if (l.unchoked) {
            u.removeUnchoked(l);
            v.removeUnchokedBy(l);
        }
        l.unchoked = false;
        if (v.picker != null) {
            TransferRound.catchUp(l, due); // the picker forgets exactly u's bitfield, so it must have counted all of it
            v.picker.peerLeft(l, u.have, l.countedAsSeed);
            v.retryPicks();
        }
        l.piece = -1;
        l.next = -1;
        if (u.market != null) u.market.remove(v.key);
        payments.linkClosed(l);
        u.bytesUp += l.bytes;
        u.out.remove(l);
        v.in.remove(l);
        v.feed.remove(l);
    }

    private void depart(SimPeer p) {
        while (!p.out.isEmpty()) disconnect(p, p.out.get(p.out.size() - 1).down);
        present.remove(p);
        if (p.spending.on()) presentBidders.remove(p);
        due.departed(p);
        p.present = false;
        p.departed = true;
        p.departedAt = now;
        if (p.complete()) seedsPresent--;
        else leechersPresent--;
        for (int i = p.have.nextSetBit(0); i >= 0; i = p.have.nextSetBit(i + 1)) {
            if (--holders[i] == 0) availablePieces--;
        }
    }

    private void gain(int piece) {
        if (holders[piece]++ == 0) availablePieces++;
    }

    /** A peer that has everything: withdraw its bids, drop seed-to-seed links, and plan its departure. */
    private void onSeeding(SimPeer p) {
        if (p.standingBid > 0) {
            for (Link l : p.in) if (l.upMarket) l.up.market.withdraw(p.key);
            p.standingBid = 0;
        }
        for (int i = p.out.size() - 1; i >= 0; i--) {
            if (i < p.out.size() && p.out.get(i).down.complete()) disconnect(p, p.out.get(i).down);
        }
        Scenario.Departure d = groupOf[p.id].departure();
        switch (d.type()) {
            case "leave" -> { if (rng.nextDouble() < d.probability()) departures.add(new long[] {now, p.id}); }
            case "seed-for" -> departures.add(new long[] {now + Math.round(d.seconds() * 1e9), p.id});
            case "earnings" -> p.earnRing = new long[(int) Math.max(1, Math.ceil(d.seconds() * 1e9 / chokeNanos))];
            default -> {}
        }
    }

    // ---- bandwidth ----

    /**
     * One round of transfer ({@link TransferRound}), each slice's deliveries applied to what the peers share as soon as
     * it and those before it are delivered ({@link #settleDelivered}), then the round's completions.
     */
    private void flow() {
        settleCompletions(transfer.run(now, slices, this::settleDelivered));
    }

    /** Written by {@link #settleDelivered}'s first pass so the JIT keeps its loads. */
    private long warm;

    /**
     * A slice's deliveries applied to what the peers share, slice after slice, so in peer order whatever the threads:
     * totals and pieces' holders, then every paid piece (the ledger's channels and balances; for a piece the slice
     * could pay from its open channel, only the seller's share of it). On the calling thread while the later slices
     * are delivered: nothing written here is read by a delivery (the ledger and balances, the buyer's flows of a slice
     * already delivered, the sellers' auctions, earnings and exposure verdicts, the holders).
     */
    private void settleDelivered(RoundPart r) {
        bytesUp += r.bytes;
        bytesDown += r.bytes;
        useful += r.useful;
        r.bytes = r.useful = 0;
        if (r.anyGained) {
            int[] g = r.gained;
            for (int p = 0; p < g.length; p++) {
                if (g[p] == 0) continue;
                if (holders[p] == 0) availablePieces++;
                holders[p] += g[p];
                g[p] = 0;
            }
            r.anyGained = false;
        }
        // the sellers the paid pieces credit, loaded in one sweep so those cache misses overlap
        long warm = 0;
        for (int k = 0; k < r.paid; k++) warm += r.paidLinks[k].up.earned;
        this.warm = warm;
        for (int k = 0; k < r.paid; k++) {
            earnedTotal += r.paidEarned[k] >= 0 ? payments.sellerSide(r.paidLinks[k], r.paidEarned[k], r.paidOver[k])
                    : payments.paidPiece(r.paidLinks[k], r.paidPieces[k], r.paidRemaining[k], now);
            r.paidLinks[k] = null;
        }
        r.paid = 0;
    }

    /**
     * The round's completions, once every slice is delivered and settled, in peer order: payment flows told, departures
     * drawn from the run's random numbers, seed-to-seed links closed. They come after the payments because a completion
     * may close links that carried a payment of the same round, and after every delivery because closing a link
     * changes the other peer's links.
     */
    private void settleCompletions(RoundPart[] roundParts) {
        for (RoundPart r : roundParts) {
            for (SimPeer d : r.completed) {
                payments.buyerComplete(d);
                completedTotal++;
                leechersPresent--;
                seedsPresent++;
                onSeeding(d);
            }
            r.completed.clear();
        }
    }

    private void sample() {
        samples.add(new Sample(now / 1e9, leechersPresent, seedsPresent, completedTotal, availablePieces,
                availablePieces == pieces, earnedTotal));
    }

    private PeerResult result(SimPeer p) {
        Scenario.Group g = groupOf[p.id];
        double arr = p.arrivedAt < 0 ? Double.NaN : p.arrivedAt / 1e9;
        double comp = p.completedAt < 0 ? Double.NaN : p.completedAt / 1e9;
        double dep = p.departedAt < 0 ? Double.NaN : p.departedAt / 1e9;
        long up = p.bytesUp;
        for (Link l : p.out) up += l.bytes;
        return new PeerResult(p.id, g.name(), p.kind, g.complete(), arr, comp, dep, comp - arr, p.bytesDown, up,
                p.usefulDown, p.paidBytes, g.budget(), p.spent, p.earned, p.unpaid, tokens.balance(p.id), p.shading);
    }
}
