package io.btspeed.sim;

import static io.btspeed.sim.Interest.interested;
import static io.btspeed.sim.Interest.offersKnownPiece;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.choke.Choker;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.picker.BlockResult;
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
 * {@link #flow}); what the deliveries change that peers share (payments, completions, counts) is applied
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
        this.payments = new SimPayments(tokens, pieceSize, rule.wireName());
        this.chokeRounds = new ChokeRounds(scenario, present, groupOf, tokens, payments, roundNanos, threads, this::announce,
                this::depart);
        this.holders = new int[pieces];
        this.gains = new RoundGains(n);
        this.roundParts = new RoundPart[Slices.maxParts(threads)];
        for (int k = 0; k < roundParts.length; k++) roundParts[k] = new RoundPart(pieces);
        this.arrivalTime = new long[n];
        int id = 0;
        for (int gi = 0; gi < scenario.groups().size(); gi++) {
            Scenario.Group g = scenario.groups().get(gi);
            double t = g.arrival().at();
            for (int k = 0; k < g.count(); k++, id++) {
                peers[id] = new SimPeer(id, gi, g, pieces);
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
        for (int i = 0; i < n; i++) arrivalOrder[i] = order[i];
        this.offers = new RoundOffers(peers, threads);
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
        if (p.complete()) {
            seedsPresent++;
            for (int i = 0; i < pieces; i++) gain(i);
            onSeeding(p);
        } else {
            leechersPresent++;
            for (int i = p.have.nextSetBit(0); i >= 0; i = p.have.nextSetBit(i + 1)) gain(i);
            p.shown.or(p.have);
            // one "block" per piece: the picker's piece choice is real, the simulator moves whole pieces
            p.picker = new PiecePicker(PiecePicker.BLOCK_SIZE, (long) pieces * PiecePicker.BLOCK_SIZE, p.have, r);
        }
        announce(p);
    }

    /** Asks the tracker for peers: random present peers with room, never seed to seed. */
    private void announce(SimPeer p) {
        p.nextAnnounceAt = now + 30_000_000_000L;
        int want = sc.neighbors() - p.out.size();
        for (int tries = 0; want > 0 && tries < 3 * sc.neighbors() && present.size() > 1; tries++) {
            SimPeer q = present.get(rng.nextInt(present.size()));
            if (q == p || q.out.size() >= sc.maxConnections() || (q.complete() && p.complete()) || connected(p, q)) continue;
            connect(p, q);
            want--;
        }
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
        if (interested(l)) u.newlyInterested = true;
        if (v.standingBid > 0 && u.market != null) u.market.offer(v.key, v.standingBid);
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
            catchUp(l); // the picker forgets exactly u's bitfield, so it must have counted all of it
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
            for (Link l : p.in) if (l.up.market != null) l.up.market.withdraw(p.key);
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
     * One round of transfer, in four steps. The first and third run per peer in slices over the threads, each step's
     * slices independent of each other; the second and fourth on this thread (the fourth applies what the deliveries
     * did to shared state).
     * <ol>
     * <li>Catch-up, per downloader: its picker reads the round's Haves (its neighbours' gains of the last round) and
     *     every unchoked link gets its piece in flight and the next one requested ({@link #catchUpAll}); the links that
     *     now carry data are counted for their uploaders.
     * <li>Offers, per uploader, from those counts: it splits its capacity over its unchoked links with a piece in
     *     flight, buyers in paid slots first as the engine's upload throttle serves them ({@link RoundOffers}).
     * <li>Deliveries, per downloader: offered more than its capacity, it scales every incoming flow down by the same
     *     factor; the bytes arrive, a finished piece is verified and the link takes its queued piece or picks another
     *     from what the uploader had at the round's start ({@link #deliverRange}).
     * <li>The round's paid pieces, completions and piece counts, in peer order ({@link #settleRound}).
     * </ol>
     */
    private void flow() {
        roundNo++;
        assert unchokedByExact();
        catchUpEveryone();
        assert interestExact();
        offers.split(roundNanos / 1e9);
        slices.forEach(present.size(), Slices.MIN_PEERS, this::deliverRange);
        settleRound();
    }

    /**
     * Downloaders {@code from}..{@code to}: what their uploaders offered arrives, scaled to each one's capacity, in
     * the order of its links. Writes only the downloader, its picker, partial pieces and incoming links, and slice
     * {@code part}'s buffers; reads of uploaders are of what they had at the round's start ({@link SimPeer#shown}),
     * which nobody writes meanwhile. So the slices are independent and the result does not depend on the threads.
     */
    private void deliverRange(int from, int to, int part, int thread) {
        RoundPart r = roundParts[part];
        double dt = roundNanos / 1e9;
        long roundEnd = now + roundNanos;
        long warmed = 0;
        for (int i = from; i < to; i++) {
            if ((i - from) % FirstLoads.PEERS == 0) warmed += FirstLoads.links(present, i, Math.min(to, i + FirstLoads.PEERS));
            SimPeer d = present.get(i);
            gains.start(d.id, d.logLen, d.picker == null); // nothing gained yet: the gains start at the log's end
            if (d.picker == null) continue; // a seed has no piece in flight to it, so nothing was offered
            Link[] in = d.unchokedBy; // only unchoked links carry data, and in the order of d.in
            int nIn = d.nUnchokedBy;
            double offered = 0;
            for (int k = 0; k < nIn; k++) {
                Link l = in[k];
                double o = offers.offer(l, now, roundEnd);
                l.offer = o;
                offered += o;
            }
            if (offered <= 0) continue;
            // what the arrivals will read first (each piece's entry in the picker, each link's request set), read in
            // one sweep so the cache misses overlap: an arrival would otherwise wait for its own, one after another
            PiecePicker pk = d.picker;
            int warm = 0;
            for (int k = 0; k < nIn; k++) {
                Link l = in[k];
                if (l.offer > 0) warm += pk.prefetch(l.piece) + l.outstanding();
            }
            d.warm = warm;
            int logFrom = d.logLen;
            double cap = d.downBps * dt;
            double f = offered > cap ? cap / offered : 1;
            for (int k = 0; k < nIn; k++) {
                Link l = in[k];
                if (l.offer <= 0) continue;
                long b = (long) (l.offer * f);
                if (b > 0) deliver(l, b, r);
            }
            if (d.logLen > logFrom) gains.gained(d.id, d.log, logFrom, d.logLen - logFrom);
        }
        FirstLoads.keep(present, from, to, warmed);
    }

    private final RoundPart[] roundParts;
    /** Each uploader's offers to its links that carry data this round. */
    private final RoundOffers offers;
    /** Written by {@link #settleRound}'s first pass so the JIT keeps its loads. */
    private long warm;
    /** Rounds of transfer so far ({@link SimPeer#payLaterRound}). */
    private long roundNo;
    /** Where each peer's gains of the last round's deliveries are, for the next round's catch-ups. */
    private final RoundGains gains;

    /**
     * The round's deliveries applied to what the peers share, slice by slice, so in peer order whatever the threads:
     * totals and pieces' holders, then every paid piece (the ledger's channels and balances; for a piece the slice
     * could pay from its open channel, only the seller's share of it), then every completion
     * (payment flows told, departures drawn from the run's random numbers, seed-to-seed links closed). Payments come
     * before completions because a completion may close links that carried a payment of the same round.
     */
    private void settleRound() {
        for (RoundPart r : roundParts) {
            bytesUp += r.bytes;
            bytesDown += r.bytes;
            useful += r.useful;
            r.bytes = r.useful = 0;
            if (!r.anyGained) continue;
            int[] g = r.gained;
            for (int p = 0; p < g.length; p++) {
                if (g[p] == 0) continue;
                if (holders[p] == 0) availablePieces++;
                holders[p] += g[p];
                g[p] = 0;
            }
            r.anyGained = false;
        }
        // the sellers the paid pieces credit, loaded in one sweep so those cache misses overlap (this runs on this
        // thread alone, while the workers wait)
        long warm = 0;
        for (RoundPart r : roundParts) for (int k = 0; k < r.paid; k++) warm += r.paidLinks[k].up.earned;
        this.warm = warm;
        for (RoundPart r : roundParts) {
            for (int k = 0; k < r.paid; k++) {
                earnedTotal += r.paidEarned[k] >= 0 ? payments.sellerSide(r.paidLinks[k], r.paidEarned[k], r.paidOver[k])
                        : payments.paidPiece(r.paidLinks[k], r.paidPieces[k], r.paidRemaining[k], now);
                r.paidLinks[k] = null;
            }
            r.paid = 0;
        }
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

    /**
     * Gives the link a piece in flight if it has none: the queued one, else a pick. False if there is nothing to get.
     * {@code midRound}: during the round's deliveries, when the uploader is known by what it had at the round's start.
     */
    private boolean ensurePiece(Link l, boolean midRound) {
        if (l.piece >= 0) return true;
        int next = l.next;
        if (next < 0) next = pick(l, midRound);
        else l.next = -1;
        if (next < 0) return false;
        l.piece = next;
        long done = l.down.partial.isEmpty() ? -1 : l.down.partial.remove(l.piece);
        l.remaining = done < 0 ? pieceSize : pieceSize - done;
        return true;
    }

    /**
     * Asks the downloader's picker for a piece from this uploader; -1 if it has none to give. The uploader's pieces
     * are its bitfield when nothing moves ({@code midRound} false: the catch-up), else what it had at the round's
     * start: its pieces of this round reach the downloader with the next round's Haves.
     */
    private static int pick(Link l, boolean midRound) {
        Bitfield offered = midRound ? l.upShown : l.upHave;
        if (l.nothingToPick() || !interested(l, midRound)) return -1;
        List<BlockRequest> r = l.down.picked;
        r.clear();
        if (l.down.picker.pickBlocks(l, offered, 1, null, r) == 0) {
            // everything this uploader could give is under way elsewhere: asking the picker again every round is
            // a full scan for nothing, so wait until the uploader gains a piece or the downloader frees requests
            l.nothingToPick(true);
            return -1;
        }
        return r.get(0).piece();
    }

    /**
     * Request pipelining, one piece deep: a link that can carry data this round gets its piece in flight and the
     * next one requested, so a piece finishing mid-round continues with the queued one (as a client with requests
     * queued does). Done while the downloader's picker is in cache after its catch-up, and on the catch-up's thread
     * ({@code thread}), which also counts each link that now carries data this round for its uploader's offers.
     */
    private void pickAhead(SimPeer d, int thread) {
        long roundEnd = now + roundNanos;
        Link[] by = d.unchokedBy;
        for (int k = 0; k < d.nUnchokedBy && d.picker != null; k++) {
            Link l = by[k];
            if (l.startAt >= roundEnd || !ensurePiece(l, false)) continue;
            offers.carrying(thread, l);
            if (l.next < 0) l.next = pick(l, false);
        }
    }

    /** The downloader got {@code piece} from another link: this link's request for it (in flight or queued) is void. */
    private static void dropRequest(Link c, int piece) {
        if (c.piece == piece) {
            c.piece = -1;
            c.remaining = 0;
        } else if (c.next == piece) {
            c.next = -1;
        }
    }

    /** Checked under -ea (the tests): every peer's {@code unchokedBy} is its unchoked incoming links, in {@code in}'s order. */
    private boolean unchokedByExact() {
        for (SimPeer d : present) {
            List<Link> expected = new ArrayList<>();
            for (Link l : d.in) if (l.unchoked) expected.add(l);
            List<Link> actual = Arrays.asList(d.unchokedBy).subList(0, d.nUnchokedBy);
            if (!expected.equals(actual)) throw new AssertionError("peer " + d.id + ": unchokedBy " + d.nUnchokedBy + " links, expected " + expected.size());
            for (int k = d.nUnchokedBy; k < d.unchokedBy.length; k++) if (d.unchokedBy[k] != null) throw new AssertionError("peer " + d.id + ": stale unchokedBy entry " + k);
        }
        return true;
    }

    /**
     * Checked under -ea (the tests): right after every picker caught up, the interest read off the bitfields and
     * logs is what a plain comparison of the two bitfields gives (every gain is then known to the downloader).
     */
    private boolean interestExact() {
        for (SimPeer d : present) {
            if (d.picker == null) continue;
            for (Link l : d.in) {
                var offered = l.up.have.copy();
                offered.andNot(d.have);
                if (interested(l) != !offered.isEmpty()) {
                    throw new AssertionError("link " + l.up.id + "->" + d.id + " interest " + interested(l) + ", bitfields say " + !offered.isEmpty());
                }
            }
        }
        return true;
    }

    /**
     * Every leecher's picker catches up ({@link #catchUpAll}), the present peers split into contiguous slices, one per
     * worker. A catch-up (and the picks ahead that follow it) writes only its downloader's picker, partial pieces and
     * incoming links (and sets, never clears, an uploader's {@code newlyInterested}); it reads other peers' bitfields,
     * logs and choke states, which nobody writes meanwhile. So the slices are independent and the result is the same
     * whatever the threads' timing. Every peer's {@link SimPeer#shown} also moves up to the round's start here, by its
     * own slice: nothing reads it until the deliveries.
     */
    private void catchUpEveryone() {
        slices.forEach(present.size(), Slices.MIN_PEERS, this::catchUpRange);
    }

    private void catchUpRange(int from, int to, int part, int thread) {
        int[] batch = new int[256];
        long warm = 0;
        for (int i = from; i < to; i++) {
            if ((i - from) % FirstLoads.PEERS == 0) warm += FirstLoads.catchUps(present, i, Math.min(to, i + FirstLoads.PEERS));
            SimPeer d = present.get(i);
            int[] log = d.log;
            for (int c = d.shownLen, end = d.logLen; c < end; c++) d.shown.set(log[c]);
            d.shownLen = d.logLen;
            if (d.picker != null) batch = catchUpAll(d, batch, thread);
        }
        FirstLoads.keep(present, from, to, warm);
    }

    /**
     * Tells {@code d}'s picker of the pieces each of its uploaders gained since it last looked: the batched equivalent
     * of the Have messages that arrived during the round. All uploaders' log segments go to the picker as one batch
     * (counts and levels do not depend on the order Haves come in), so the picker's cache misses for the round's
     * hundred-odd Haves overlap instead of coming a few at a time, one uploader after another. An uploader that now
     * offers a piece {@code d} lacks, where it offered none before, gets the engine's Interested treatment (a choke
     * round if it has a free slot); whether it offered one before is only worked out when it has a free slot.
     * Reads the links through {@code d}'s {@link InFeed} and each uploader's gains through {@link RoundGains}: in the
     * common case it touches no link, no uploader and no uploader's log, only arrays every catch-up of the round
     * shares. Returns the batch buffer, grown if it had to be.
     */
    private int[] catchUpAll(SimPeer d, int[] batch, int thread) {
        InFeed f = d.feed;
        int m = f.active;
        int[][] logs = f.logs;
        int[] st = f.state;
        int[] gs = gains.slots;
        // first only the loads that miss, none waiting for another: the few links the picks ahead will read, then
        // their uploaders' bitfields (the picks would take these misses one after another)
        int warm = 0;
        Link[] by = d.unchokedBy;
        int nb = d.nUnchokedBy;
        for (int k = 0; k < nb; k++) warm += by[k].piece;
        for (int k = 0; k < nb; k++) warm += by[k].upHave.wordCount();
        // and the lines of those bitfields, which a pick reads whole
        for (int k = 0; k < nb; k++) {
            Bitfield b = by[k].upHave;
            for (int w = 0, n = b.wordCount(); w < n; w += 8) warm += (int) b.word(w);
        }
        d.warm = warm;
        Bitfield mine = d.have;
        int n = 0;
        for (int k = 0; k < m; k++) {
            int at = k * InFeed.STRIDE, from = st[at + InFeed.CURSOR], slot = st[at + InFeed.UP] * RoundGains.SLOT;
            int gained = gs[slot + RoundGains.COUNT];
            int[] src;
            int c, end;
            // (a link counted as a seed reads from 0, and a seed's gains start at its full log's end, or at 0 with
            // none: either way nothing is read for it)
            if (from == gs[slot + RoundGains.FROM] && gained <= RoundGains.KEPT) {
                // read up to the last round's gains (every link of a leecher is, once it caught up): they are in
                // the uploader's slot, in the line just read
                src = gs;
                c = slot + RoundGains.PIECES;
                end = c + gained;
            } else {
                // a seed's, a link read past or short of those gains, or more gains than a slot holds: the log itself
                src = logs[k];
                c = from;
                end = c;
                while (src[end] >= 0) end++;
                gained = end - c;
            }
            if (gained == 0) {
                // nothing new; an uploader with every piece never will have: the link is not visited again (the
                // last visited one takes its slot, so this slot is visited again)
                if (gs[slot + RoundGains.COUNT] == 0 && gs[slot + RoundGains.DONE] != 0) {
                    f.retire(k--);
                    m--;
                }
                continue;
            }
            if (n + gained > batch.length) batch = Arrays.copyOf(batch, Math.max(2 * batch.length, n + gained));
            // only the pieces d lacks go to the picker (it counts no others), kept without a branch on each: half
            // of them are had, in no pattern a branch predictor could learn
            int n0 = n;
            for (; c < end; c++) {
                int p = src[c];
                batch[n] = p;
                n += 1 - (int) ((mine.word(p >>> 6) >>> p) & 1);
            }
            st[at + InFeed.CURSOR] = from + gained;
            st[at + InFeed.NOTHING] = 0;
            if (n == n0) continue; // nothing d lacks: nothing to count, nothing to tell
            int hint = st[at + InFeed.HINT];
            // the last piece just counted is one the uploader offers, d lacks and d's picker now knows: the next
            // round's hint (a hint goes stale once d gets it, and a stale one sends the check below to the uploader)
            st[at + InFeed.HINT] = batch[n - 1];
            // still lacking a piece the uploader was found to offer before these: interested already, nothing to tell
            if (hint >= 0 && !mine.get(hint)) continue;
            Link l = f.links[k];
            if (l.up.nUnchoked < sc.uploadSlots() && !offersKnownPiece(l, from)) l.up.newlyInterested = true;
        }
        if (n > 0) d.picker.peerHas(batch, 0, n);
        pickAhead(d, thread);
        return batch;
    }

    /** Tells {@code l.down}'s picker of the pieces {@code l.up} gained since it last looked. */
    private static void catchUp(Link l) {
        SimPeer u = l.up, d = l.down;
        int end = u.logLen, from = l.cursor();
        if (from == end || d.picker == null || l.countedAsSeed) return;
        int lacked = d.picker.peerHas(u.log, from, end);
        if (lacked > 0 && !offersKnownPiece(l, from)) u.newlyInterested = true;
        l.cursor(end);
        l.nothingToPick(false);
    }

    /** {@code bytes} arrive over {@code l}; a finished piece is verified and the link goes on with its next piece. */
    private void deliver(Link l, long bytes, RoundPart r) {
        while (bytes > 0 && l.piece >= 0) {
            long take = Math.min(bytes, l.remaining);
            l.remaining -= take;
            bytes -= take;
            l.bytes += take; // the uploader's bytes sent are its links' (SimPeer#bytesUp)
            l.down.bytesDown += take;
            r.bytes += take;
            if (l.remaining == 0) {
                pieceArrived(l, r);
                if (l.down.picker == null || !ensurePiece(l, true)) break;
            }
        }
    }

    private void pieceArrived(Link l, RoundPart r) {
        SimPeer d = l.down;
        int p = l.piece;
        l.piece = -1;
        BlockResult got = d.picker.onBlockReceived(l, p, 0);
        if (got.kind() != BlockResult.Kind.NEW) return; // endgame duplicate: the bytes were wasted
        List<Object> cancel = got.cancelPeers(); // by index: an iterator per piece is garbage 40 million times over
        for (int i = 0; i < cancel.size(); i++) dropRequest((Link) cancel.get(i), p);
        d.picker.onPieceVerified(p);
        d.have.set(p);
        d.usefulDown += pieceSize;
        r.useful += pieceSize;
        r.gained[p]++;
        r.anyGained = true;
        if (l.paid) {
            int k = r.paidPiece(l, p, (long) (pieces - d.have.cardinality()) * pieceSize);
            // paid here if that touches only this buyer, else when the round settles; a buyer's later pieces of the
            // round wait too where their order with the waiting one matters (SimPayments#payInSlice)
            if (!payments.payInSlice(l, p, now, r, k, roundNo, d.payLaterRound == roundNo)) d.payLaterRound = roundNo;
        }
        d.log[d.logLen++] = p; // neighbours learn of p when they next catch up
        if (d.complete()) complete(d, r);
    }

    /**
     * {@code d} has every piece: its picker and requests go now (they are its own); what others share (the payment
     * flows, the counts, departures and seed-to-seed links) follows when the round settles.
     */
    private void complete(SimPeer d, RoundPart r) {
        d.completedAt = now;
        // the links keep the picker's request sets (PeerHandle): let them go, or they would keep the picker alive
        for (Link i : d.in) d.picker.onPeerGone(i);
        d.picker = null;
        d.partial.clear();
        for (Link i : d.in) {
            i.piece = -1;
            i.next = -1;
            i.remaining = 0;
        }
        r.completed.add(d);
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
