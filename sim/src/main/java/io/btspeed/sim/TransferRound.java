package io.btspeed.sim;

import static io.btspeed.sim.Interest.interested;
import static io.btspeed.sim.Interest.offersKnownPiece;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.picker.BlockResult;
import io.btspeed.core.picker.PiecePicker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One round of transfer, in four steps. The first and third run per peer in slices over the threads, each step's
 * slices independent of each other; the second and fourth on the calling thread (the fourth applies what the
 * deliveries did to shared state, and is the swarm's, slice by slice while later slices are still delivered).
 * <ol>
 * <li>Catch-up, per downloader: its picker reads the round's Haves (its neighbours' gains of the last round) and
 *     every unchoked link gets its piece in flight and the next one requested ({@link #catchUpAll}); the links that
 *     now carry data are counted for their uploaders.
 * <li>Offers, per uploader, from those counts: it splits its capacity over its unchoked links with a piece in
 *     flight, buyers in paid slots first as the engine's upload throttle serves them ({@link RoundOffers}).
 * <li>Deliveries, per downloader: offered more than its capacity, it scales every incoming flow down by the same
 *     factor; the bytes arrive, a finished piece is verified and the link takes its queued piece or picks another
 *     from what the uploader had at the round's start ({@link #deliverRange}).
 * <li>The round's paid pieces and piece counts, applied in peer order by {@link Swarm} from each slice's part as soon
 *     as it and every slice before it are delivered ({@link Slices#forEachInOrder}): they write nothing a delivery
 *     reads (ledger, sellers' flows and auctions, counts). Then the completions, from the parts {@link #run} returns,
 *     which close links and so wait for every delivery.
 * </ol>
 */
final class TransferRound {
    private final int pieces;
    private final long pieceSize;
    private final long roundNanos;
    private final int uploadSlots;
    /** The swarm's present peers, in the order the slices cut them (the swarm's list, read only here). */
    private final List<SimPeer> present;
    private final SimPayments payments;
    /** Told of the uploaders a catch-up found newly interesting (their choke turns need a look). */
    private final DueTurns due;
    private final RoundPart[] roundParts;
    /** The peers' counts of unchoked links by id ({@link SimPeer#nUnchoked()}): written on the calling thread only. */
    private final int[] unchokedCounts;
    /** Each uploader's offers to its links that carry data this round. */
    private final RoundOffers offers;
    /** Where each peer's gains of the last round's deliveries are, for the next round's catch-ups. */
    private final RoundGains gains;
    /** Rounds of transfer so far ({@link SimPeer#payLaterRound}). */
    private long roundNo;
    /** The round's start, and its threads while {@link #run} runs. */
    private long now;
    private Slices slices;

    TransferRound(Scenario sc, SimPeer[] peers, int[] unchokedCounts, List<SimPeer> present, SimPayments payments, DueTurns due,
                  long roundNanos, int threads) {
        this.unchokedCounts = unchokedCounts;
        this.due = due;
        this.pieces = sc.pieces();
        this.pieceSize = sc.pieceSize();
        this.roundNanos = roundNanos;
        this.uploadSlots = sc.uploadSlots();
        this.present = present;
        this.payments = payments;
        this.gains = new RoundGains(peers.length);
        this.roundParts = new RoundPart[Slices.maxParts(threads)];
        for (int k = 0; k < roundParts.length; k++) roundParts[k] = new RoundPart(pieces);
        this.offers = new RoundOffers(peers, threads);
    }

    /**
     * Steps one to three of the round starting at {@code now}, sliced over {@code slices}, and {@code delivered} with
     * each slice's part, in order, as soon as that slice and those before it are delivered (on the calling thread, while
     * later slices are; step four's first half). Returns the slices' parts for the rest of step four.
     */
    RoundPart[] run(long now, Slices slices, java.util.function.Consumer<RoundPart> delivered) {
        this.now = now;
        this.slices = slices;
        roundNo++;
        assert unchokedByExact();
        catchUpEveryone();
        assert interestExact();
        offers.split(roundNanos / 1e9);
        slices.forEachInOrder(present.size(), Slices.MIN_PEERS, this::deliverRange,
                part -> delivered.accept(roundParts[part]));
        this.slices = null;
        return roundParts;
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
        // then every uploader's gains slot: the loop below reads one per link, but its branches (how many gains, any
        // lacked) are mispredicted often enough that its loads would come a few at a time
        for (int k = 0; k < m; k++) warm += gs[st[k * InFeed.STRIDE + InFeed.UP] * RoundGains.SLOT];
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
            if (unchokedCounts[st[at + InFeed.UP]] >= uploadSlots) continue; // no free slot: nothing to tell
            Link l = f.links[k];
            if (!offersKnownPiece(l, from)) due.interested(l.up, thread);
        }
        if (n > 0) d.picker.peerHas(batch, 0, n);
        pickAhead(d, thread);
        return batch;
    }

    /**
     * Tells {@code l.down}'s picker of the pieces {@code l.up} gained since it last looked: between rounds, before
     * a link closes (the picker then forgets exactly the uploader's bitfield, so it must have counted all of it). On
     * the calling thread, which is thread 0 of {@code due}.
     */
    static void catchUp(Link l, DueTurns due) {
        SimPeer u = l.up, d = l.down;
        int end = u.logLen, from = l.cursor();
        if (from == end || d.picker == null || l.countedAsSeed) return;
        int lacked = d.picker.peerHas(u.log, from, end);
        if (lacked > 0 && !offersKnownPiece(l, from)) due.interested(u, 0);
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
        d.picker.onPieceVerified(p); // which sets p in d.have, the picker's own record of d's pieces
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
}
