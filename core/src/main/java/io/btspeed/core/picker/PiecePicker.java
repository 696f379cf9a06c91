package io.btspeed.core.picker;

import static io.btspeed.core.picker.Downloading.FREE;
import static io.btspeed.core.picker.Downloading.RECEIVED;
import static io.btspeed.core.picker.Downloading.REQUESTED;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Decides which blocks to request from which peer. Pure state, no I/O; peers are opaque handles.
 *
 * <p>Order of preference: (1) blocks of pieces already partially downloaded, so pieces complete and can be
 * verified and served; (2) while fewer than {@link #RANDOM_FIRST_PIECES} pieces are complete, random pieces
 * (rare pieces are slow to get, and the first piece should come quickly so we can upload); (3) rarest first
 * with a random tie-break; (4) endgame: when every missing block is already requested, duplicate outstanding
 * requests to other peers (bounded), and report whom to cancel when the block arrives.
 *
 * <p>Rarest first with cheap haves: each piece has a count of the peers that announced it (HaveAll peers are
 * counted apart in {@code seeds}, since they add to every piece alike). The counts are bit-sliced ({@link PieceCounts},
 * which this class extends): plane k is a bitset holding bit k of every piece's count, so a Have (add one to one
 * count: flip bits up the planes) never depends on another Have or on the order Haves came in, and a peer's bitfield
 * is added 64 pieces at a time. A fresh pick for a peer takes the candidates (not had, not under way, priority above 0)
 * this peer offers and narrows them plane by plane from the top to the ones of the lowest count (where some remaining
 * candidate has a 0 bit, keep only those): one pass of straight-line word operations over a plane's bitset per plane
 * in use, with no branch per word, which the compiler turns into vector instructions. Then it draws one of them
 * uniformly at random: the tie-break among equally rare pieces is a fresh draw, never the history of Haves.
 *
 * <p>A runtime that reads payloads straight into piece buffers claims a block when its header arrives
 * ({@link #onBlockReceived}) and gives the claim back with {@link #onBlockAborted} if the payload never completes;
 * {@link #setMaxPiecesInProgress} bounds how many pieces are under way at once (each holds a buffer until verified).
 * Not thread-safe: the caller serialises access.
 */
public final class PiecePicker extends PieceCounts {
    public static final int BLOCK_SIZE = 16 * 1024;
    public static final int RANDOM_FIRST_PIECES = 4;
    /** Peers asked for one block at once in the endgame, unless a constructor says otherwise. */
    private static final int DEFAULT_MAX_DUPLICATES = 2;

    /** The results without peers to cancel, shared (immutable records): one is returned for nearly every block. */
    private static final BlockResult NEW_COMPLETE = new BlockResult(BlockResult.Kind.NEW, true, List.of()),
            NEW_PARTIAL = new BlockResult(BlockResult.Kind.NEW, false, List.of()),
            DUPLICATE = new BlockResult(BlockResult.Kind.DUPLICATE, false, List.of()),
            UNREQUESTED = new BlockResult(BlockResult.Kind.UNREQUESTED, false, List.of());
    private final int pieceLength;
    private final long totalLength;
    private final Random random;
    private final int maxDuplicates;

    private final Bitfield have;
    private final byte[] priority;
    /**
     * Per piece, a set bit when it is no candidate for a fresh pick: had, under way, or priority 0. Bits past the
     * last piece are set, so words can be used whole.
     */
    private final long[] skip;
    /**
     * A pick's working set, one word per word of pieces: the candidates still in the running (after a pick, the other
     * equally rare ones), and the narrowing's scratch; the two swap as the narrowing goes.
     */
    private long[] pickBits, pickBits2;
    private int seeds;
    /** The batched {@link #peerHas(int[], int, int)}'s pieces we lack. */
    private int[] lacking = new int[64];
    /** Written by the batched {@link #peerHas(int[], int, int)}'s first passes so the JIT keeps their reads. */
    private int touched;
    private int maxPriority = 1;
    /** Every piece with a priority above 0 has the same one: a fresh pick then goes by rarity alone. */
    private boolean uniformPriority = true;

    /**
     * Pieces under way (their entries are in {@link #byPiece}); the endgame walks them oldest first, in the order of
     * {@link Downloading#seq}. No list of them in that order: linking a piece in and out of one wrote to its
     * neighbours in the list, two entries of other pieces, out of cache where thousands of pickers run in turn (a
     * simulator), for an order only the endgame reads, once every missing block is requested.
     */
    private int inProgress;
    /** Pieces started so far: each entry's place in the start order ({@link Downloading#seq}). */
    private long started;
    /**
     * The pieces under way that have a free block, in the order they were started: a pick takes free blocks from these
     * without walking past the pieces whose blocks are all requested (most of them, under a deep pipeline).
     */
    private Downloading firstWithFree, lastWithFree;
    /**
     * The same entries by piece number ({@link UnderWay}): per-block lookups without boxing a piece number, in a table
     * the size of the pieces under way rather than of the torrent.
     */
    private final UnderWay byPiece = new UnderWay();
    private int maxInProgress = Integer.MAX_VALUE;
    private final PeerRequestTable outstanding = new PeerRequestTable();
    /** Pieces under way with a block nobody was asked for: when none, a pick need not walk the pieces under way. */
    private int withFree;
    /**
     * The same pieces as a bitset: a pick first checks whether the peer offers any of them (a few word operations)
     * before walking the pieces under way, one object each, to take the oldest it offers.
     */
    private final long[] freeBits;
    /**
     * The last peer looked up in {@code outstanding} and its set (null when it has none): a block's arrival and the
     * refill request that follows it are for the same peer, so the second lookup is free.
     */
    private Object lastPeer;
    private BlockKeySet lastSet;

    /**
     * @param random the source of every random choice (first pieces, ties among the equally rare); give each picker a
     *     well-seeded one: {@code java.util.Random}'s first draws are nearly equal for neighbouring seeds
     */
    public PiecePicker(int pieceLength, long totalLength, Bitfield have, Random random, int maxDuplicates) {
        this(pieceLength, totalLength, have, random, maxDuplicates, true);
    }

    /**
     * A picker that keeps our pieces in {@code have} itself rather than in a copy of it: {@link #onPieceVerified} sets
     * the piece's bit there. For a caller that keeps the same bitfield for others to read (a simulator's peer, whose
     * neighbours read it every round): one bitfield in cache instead of two that are always equal. The caller reads
     * {@code have} but never changes it while the picker is in use.
     */
    public static PiecePicker sharingHave(int pieceLength, long totalLength, Bitfield have, Random random) {
        return new PiecePicker(pieceLength, totalLength, have, random, DEFAULT_MAX_DUPLICATES, false);
    }

    private PiecePicker(int pieceLength, long totalLength, Bitfield have, Random random, int maxDuplicates, boolean copy) {
        if (pieceLength <= 0 || totalLength < 0) throw new IllegalArgumentException("bad geometry");
        long pc = (totalLength + pieceLength - 1) / pieceLength;
        if (pc != have.pieceCount()) {
            throw new IllegalArgumentException("have bitfield has " + have.pieceCount() + " pieces, geometry gives " + pc);
        }
        if (maxDuplicates < 1) throw new IllegalArgumentException("maxDuplicates must be >= 1");
        // each piece's count: how many peers announced it (HaveAll peers apart, in seeds)
        super((int) pc);
        this.pieceLength = pieceLength;
        this.totalLength = totalLength;
        this.random = random;
        this.maxDuplicates = maxDuplicates;
        this.fullBlocks = (pieceLength + BLOCK_SIZE - 1) / BLOCK_SIZE;
        this.have = copy ? have.copy() : have;
        this.priority = new byte[pieceCount];
        java.util.Arrays.fill(priority, (byte) 1);

        this.skip = new long[words];
        this.freeBits = new long[words];
        for (int w = 0; w < words; w++) skip[w] = this.have.word(w);
        if ((pieceCount & 63) != 0) skip[words - 1] |= -1L << pieceCount;
        this.pickBits = new long[words];
        this.pickBits2 = new long[words];
    }

    public PiecePicker(int pieceLength, long totalLength, Bitfield have, Random random) {
        this(pieceLength, totalLength, have, random, DEFAULT_MAX_DUPLICATES);
    }

    // ---- geometry ----

    public int pieceCount() { return pieceCount; }

    public int pieceSize(int piece) {
        return (int) Math.min(pieceLength, totalLength - (long) piece * pieceLength);
    }

    public int blocksInPiece(int piece) { return (pieceSize(piece) + BLOCK_SIZE - 1) / BLOCK_SIZE; }

    public int blockLength(int piece, int block) {
        return Math.min(BLOCK_SIZE, pieceSize(piece) - block * BLOCK_SIZE);
    }

    // ---- our state ----

    public Bitfield have() { return have.copy(); }

    public boolean hasPiece(int piece) { return have.get(piece); }

    public boolean isComplete() { return have.isComplete(); }

    /** True when every wanted piece (priority > 0) is here. */
    public boolean isWantedComplete() {
        for (int p = have.nextClearBit(0); p >= 0; p = have.nextClearBit(p + 1)) if (priority[p] > 0) return false;
        return true;
    }

    /** 0 = don't download; higher = preferred (ties broken by rarity). */
    public void setPriority(int piece, int prio) {
        if (prio < 0 || prio > 7) throw new IllegalArgumentException("priority " + prio + " not in 0..7");
        checkPiece(piece);
        priority[piece] = (byte) prio;
        refreshSkip(piece);
        priorityRange();
    }

    /** Sets many priorities at once (file selection) without recomputing the maximum per piece. */
    public void setPriorities(byte[] prios) {
        if (prios.length != pieceCount) throw new IllegalArgumentException("need " + pieceCount + " priorities");
        for (byte b : prios) {
            if (b < 0 || b > 7) throw new IllegalArgumentException("priority " + b + " not in 0..7");
        }
        System.arraycopy(prios, 0, priority, 0, pieceCount);
        for (int p = 0; p < pieceCount; p++) {
            if (have.get(p) || byPiece.get(p) != null || priority[p] == 0) skip[p >>> 6] |= 1L << p;
            else skip[p >>> 6] &= ~(1L << p);
        }
        priorityRange();
    }

    private void priorityRange() {
        int max = 0, minPositive = 8;
        for (byte b : priority) {
            if (b > max) max = b;
            if (b > 0 && b < minPositive) minPositive = b;
        }
        maxPriority = max;
        uniformPriority = max == 0 || minPositive == max;
    }

    public int priority(int piece) { return priority[piece]; }

    /**
     * How many connected peers announced the piece (HaveAll peers included). For a piece we have, the count stops
     * when we got it: nobody picks it any more, so its Haves and departures are not counted (in a swarm about half
     * of all Haves are for pieces the receiver already has, and skipping them saves touching its count).
     */
    public int availability(int piece) { return count(piece) + seeds; }

    /**
     * At most this many pieces under way (partly requested, or complete and awaiting verification): a runtime that
     * keeps a buffer per piece bounds its memory with this, and a slow disk then slows requests instead of
     * growing memory. Default unbounded.
     */
    public void setMaxPiecesInProgress(int max) {
        if (max < 1) throw new IllegalArgumentException("max pieces in progress must be >= 1");
        maxInProgress = max;
        // With a bound, keep as many spare entries as can be under way (up to MAX_SPARE): an engine verifies pieces
        // in bursts from its hash threads, and with four spares most of a burst's entries were dropped and allocated
        // again, so the allocation path stayed warm enough for the JIT to inline it into the pick, where its
        // speculative checks failed and the whole pick was compiled again, two or three times per transfer.
        int keep = Math.max(spare.length, Math.min(max, MAX_SPARE));
        if (keep != spare.length) spare = java.util.Arrays.copyOf(spare, keep);
    }

    /** Pieces under way: requested in part or whole, or complete and not yet verified or failed. */
    public int piecesInProgress() { return inProgress; }

    /** True if the peer has a piece we want (priority > 0) and lack: we should be interested. */
    public boolean isInteresting(Bitfield peerHas) {
        for (int p = peerHas.nextSetBit(0); p >= 0; p = peerHas.nextSetBit(p + 1)) {
            if (priority[p] > 0 && !have.get(p)) return true;
        }
        return false;
    }

    // ---- availability ----

    public void peerHas(int piece) { increment(piece); }

    /**
     * Haves for {@code pieces[from..to)} at once (e.g. a round of Have messages, batched): the same as {@link #peerHas}
     * for each in turn. Returns how many of them are pieces we lack, so a caller tracking interest need not look them
     * up again. A simulator applies thousands of pickers' batches in turn, so each batch starts with its lines out of
     * cache: a first pass keeps the pieces we lack and a second reads the lines of the planes in use, one load each,
     * so the batch's cache misses overlap instead of coming one Have after another. Then the adds go up the planes
     * all together, plane by plane ({@link PieceCounts#addPieces}).
     */
    public int peerHas(int[] pieces, int from, int to) {
        if (to - from > lacking.length) lacking = new int[Math.max(to - from, 2 * lacking.length)];
        int[] mine = lacking;
        // first the pieces we lack, without a branch on each (half of a swarm's Haves are for pieces we have, in no
        // pattern a branch predictor could learn); then their counts' lines read in one independent sweep
        int n = 0;
        for (int i = from; i < to; i++) {
            int p = pieces[i];
            checkPiece(p);
            mine[n] = p;
            n += 1 - (int) ((have.word(p >>> 6) >>> p) & 1);
        }
        long sum = 0;
        if (n > 0) {
            for (int k = 0; k < planesUsed; k++) {
                long[] plane = planes[k];
                for (int w = 0; w < words; w += 8) sum += plane[w];
            }
        }
        touched = (int) sum;
        if (!addPieces(mine, n)) for (int i = 0; i < n; i++) addWord(mine[i] >>> 6, 1L << mine[i]);
        return n;
    }

    public void peerBitfield(Bitfield bits) {
        checkSize(bits);
        for (int w = 0; w < words; w++) {
            long x = bits.word(w) & ~have.word(w) & validBits(w);
            if (x != 0) addWord(w, x);
        }
    }

    public void peerHasAll() { seeds++; }

    /**
     * Withdraws what a peer said it has without touching its requests: it replaced its bitfield (e.g. HaveAll after
     * a Bitfield). {@code bits} may be null when {@code hadAll}.
     */
    public void peerForgot(Bitfield bits, boolean hadAll) {
        if (hadAll) seeds--;
        else subtractBitfield(bits);
    }

    /** Removes a departing peer's contribution to availability and frees its outstanding requests. */
    public void peerLeft(Object peer, Bitfield bits, boolean wasHaveAll) {
        if (wasHaveAll) seeds--;
        else subtractBitfield(bits);
        onPeerGone(peer);
    }

    private void subtractBitfield(Bitfield bits) {
        checkSize(bits);
        // a piece we have is not counted any more: its count stopped when we got it
        for (int w = 0; w < words; w++) {
            long x = bits.word(w) & ~have.word(w) & validBits(w);
            if (x != 0) subtractWord(w, x);
        }
    }

    private void checkSize(Bitfield bits) {
        if (bits.pieceCount() != pieceCount) throw new IllegalArgumentException("peer bitfield size differs from " + pieceCount + " pieces");
    }

    private void increment(int piece) {
        if (have.get(piece)) return;
        addWord(piece >>> 6, 1L << piece);
    }

    private void decrement(int piece) {
        if (have.get(piece)) return; // its count stopped when we got it
        subtractWord(piece >>> 6, 1L << piece);
    }

    private boolean skipped(int piece) { return (skip[piece >>> 6] & (1L << piece)) != 0; }

    /** Recomputes a piece's skip bit after its state changed: is it a candidate for a fresh pick? */
    private void refreshSkip(int piece) {
        boolean now = have.get(piece) || byPiece.get(piece) != null || priority[piece] == 0;
        if (now) skip[piece >>> 6] |= 1L << piece;
        else skip[piece >>> 6] &= ~(1L << piece);
    }

    // ---- picking ----

    /**
     * Picks up to maxBlocks blocks to request from this peer.
     *
     * @param allowedFast when non-null the peer is choking us: only these pieces may be requested (BEP 6)
     */
    public List<BlockRequest> pickBlocks(Object peer, Bitfield peerHas, int maxBlocks, Bitfield allowedFast) {
        List<BlockRequest> out = new ArrayList<>(Math.min(maxBlocks, 64));
        pickBlocks(peer, peerHas, maxBlocks, allowedFast, out);
        return out;
    }

    /**
     * {@link #pickBlocks(Object, Bitfield, int, Bitfield)} appending to the caller's list (e.g. one reused for every
     * pick, where a simulator picks tens of millions of times); returns how many requests it appended.
     */
    public int pickBlocks(Object peer, Bitfield peerHas, int maxBlocks, Bitfield allowedFast, List<BlockRequest> out) {
        if (maxBlocks <= 0) return 0;
        int before = out.size(), limit = before + maxBlocks;
        BlockKeySet mine = requestsOf(peer);
        if (mine == null) {
            if (peer instanceof PeerHandle h && h.owner == null) {
                h.owner = this; // empty while it had no owner
                mine = h;
            } else {
                mine = new BlockKeySet();
                outstanding.put(peer, mine);
            }
            lastSet = mine;
        }
        // 1. partial pieces, highest priority first
        if (withFree > 0 && offersFree(peerHas, allowedFast)) {
            if (uniformPriority) {
                // one pass (every wanted piece has the same priority): no loop over priorities for the JIT to
                // speculate about, which it did wrongly and then compiled the whole pick again
                if (maxPriority > 0) takePartials(maxPriority, peer, peerHas, allowedFast, mine, out, limit);
            } else {
                for (int prio = maxPriority; prio >= 1 && out.size() < limit && withFree > 0; prio--) {
                    takePartials(prio, peer, peerHas, allowedFast, mine, out, limit);
                }
            }
        }
        // 2./3. fresh pieces
        if (peerHas.pieceCount() != pieceCount || (allowedFast != null && allowedFast.pieceCount() != pieceCount)) {
            throw new IllegalArgumentException("peer bitfield size differs from " + pieceCount + " pieces");
        }
        boolean randomMode = have.cardinality() < RANDOM_FIRST_PIECES;
        boolean again = false;
        while (out.size() < limit && inProgress < maxInProgress) {
            int best = randomMode ? pickRandom(peerHas, allowedFast)
                    : uniformPriority ? pickRarest(peerHas, allowedFast, again) : pickByPriority(peerHas, allowedFast);
            again = true;
            if (best < 0) break;
            Downloading d = obtain(best, blocksInPiece(best));
            link(d);
            byPiece.put(best, d);
            skip[best >>> 6] |= 1L << best; // under way now: no candidate for a fresh pick
            takeFree(d, peer, mine, out, limit, false);
            // only now into the pieces with a free block, if any is left: a piece whose blocks were all just taken
            // (a one-block piece, or a peer asking for a whole piece) would go in and out at once, and the bitset's
            // line it sets and clears is one a pick does not otherwise read
            if (d.free > 0) freeGained(d);
        }
        // 4. endgame
        if (out.size() < limit && inEndgame()) {
            // the pieces under way that have a block to ask this peer for too, oldest first (asking for one piece's
            // blocks changes nothing about another's, so they can be found first and only they put in order)
            Downloading[] cand = byPiece.entries();
            int n = 0;
            for (Downloading d : cand) if (endgameCandidate(d, peer, peerHas, allowedFast)) cand[n++] = d;
            java.util.Arrays.sort(cand, 0, n, BY_SEQ);
            for (int i = 0; i < n && out.size() < limit; i++) {
                Downloading d = cand[i];
                for (int b = 0; b < d.blocks && out.size() < limit; b++) {
                    if (!endgameAskable(d, b, peer)) continue;
                    d.ask(b, peer);
                    mine.add(key(d.piece, b));
                    out.add(new BlockRequest(d.piece, b * BLOCK_SIZE, blockLength(d.piece, b)));
                }
            }
        }
        return out.size() - before;
    }


    /** Free blocks of the pieces under way of this priority that the peer offers, oldest piece first. */
    private void takePartials(int prio, Object peer, Bitfield peerHas, Bitfield allowedFast, BlockKeySet mine,
                              List<BlockRequest> out, int limit) {
        for (Downloading d = firstWithFree, next; d != null && out.size() < limit; d = next) {
            next = d.nextWithFree; // taking d's last free block takes d off this list
            if (priority[d.piece] == prio && usable(d.piece, peerHas, allowedFast)) takeFree(d, peer, mine, out, limit, true);
        }
    }

    /** The pieces of word w that this peer has and may give us now (BEP 6 allowed-fast while it chokes us). */
    private static long offered(int w, Bitfield peerHas, Bitfield allowedFast) {
        return allowedFast == null ? peerHas.word(w) : peerHas.word(w) & allowedFast.word(w);
    }

    /** The lowest count to pick from: a piece nobody announced (count 0) can only come from a seed. */
    private int floor() { return seeds > 0 ? 0 : 1; }

    /**
     * Rarest first: among the candidates this peer offers (not one nobody announced, unless a seed is here), the ones of
     * the lowest count, and one of those drawn uniformly at random (the r-th in piece order). The lowest count is found
     * bit-sliced, from the top plane down: where some remaining candidate has a 0 in the plane, only those stay. The
     * pieces nobody announced are only masked out when they turn out to be the rarest (a peer's pieces are counted, so
     * that is rare), which spares reading every plane of every word to find them.
     */
    private int pickRarest(Bitfield peerHas, Bitfield allowedFast, boolean again) {
        int hits;
        if (again && pickHits > 0) {
            // the same call's previous pick left the other equally rare pieces: the piece it took is no candidate
            // now and no count changed, so they are exactly what a fresh narrowing would find
            hits = pickHits;
        } else {
            if (!gatherCandidates(peerHas, allowedFast, false)) return -1;
            narrowToRarest();
            if (narrowedCount == 0 && floor() > 0) {
                if (!gatherCandidates(peerHas, allowedFast, true)) return -1;
                narrowToRarest();
            }
            hits = 0;
            long[] xs = pickBits;
            for (int w = 0; w < words; w++) hits += Long.bitCount(xs[w]);
        }
        long[] xs = pickBits;
        int r = random.nextInt(hits);
        for (int w = 0; w < words; w++) {
            int c = Long.bitCount(xs[w]);
            if (r < c) {
                int piece = (w << 6) + nthBit(xs[w], r);
                xs[w] &= ~(1L << piece);
                pickHits = hits - 1;
                return piece;
            }
            r -= c;
        }
        throw new IllegalStateException("unreachable: " + hits + " hits counted");
    }

    /** Puts the candidates this peer offers in the pick's working set, a word per word of pieces; false if none. */
    private boolean gatherCandidates(Bitfield peerHas, Bitfield allowedFast, boolean noZero) {
        long[] xs = pickBits;
        long any = 0;
        for (int w = 0; w < words; w++) {
            long x = announced(w, peerHas, allowedFast, noZero);
            xs[w] = x;
            any |= x;
        }
        return any != 0;
    }

    /** How many of the last narrowing's pieces are left, for the next pick of the same call. */
    private int pickHits;
    /** The count the last {@link #narrowToRarest} found lowest. */
    private int narrowedCount;

    /**
     * Narrows the working set (not empty) to the candidates of the lowest count, from the top plane down, and leaves
     * that count in {@link #narrowedCount}. Every pass runs over all words, empty ones too: a branch-free loop over two
     * arrays in a row is vectorised, and costs less than keeping a list of the words still in the running.
     */
    private void narrowToRarest() {
        long[] xs = pickBits, xs2 = pickBits2;
        int n = words, lowest = 0;
        for (int k = planesUsed - 1; k >= 0; k--) {
            // the candidates with a 0 in plane k, into the scratch array
            long[] pl = planes[k];
            long zeros = 0;
            for (int w = 0; w < n; w++) {
                long x = xs[w] & ~pl[w];
                xs2[w] = x;
                zeros |= x;
            }
            if (zeros == 0) { // every remaining candidate has bit k set: keep them all
                lowest |= 1 << k;
                continue;
            }
            long[] t = xs; xs = xs2; xs2 = t;
        }
        pickBits = xs;
        pickBits2 = xs2;
        narrowedCount = lowest;
    }

    /** The candidates of word w this peer offers, without the ones nobody announced if {@code noZero}. */
    private long announced(int w, Bitfield peerHas, Bitfield allowedFast, boolean noZero) {
        long x = ~skip[w] & offered(w, peerHas, allowedFast);
        return noZero && x != 0 ? x & nonZero(w) : x;
    }

    /** Index of the n-th (from 0) set bit of x, which has more than n. */
    private static int nthBit(long x, int n) {
        for (; n > 0; n--) x &= x - 1;
        return Long.numberOfTrailingZeros(x);
    }

    /**
     * With several priorities in use: the highest priority this peer offers, the rarest of it, and a uniformly random
     * one of those. Reads every candidate's priority and count.
     */
    private int pickByPriority(Bitfield peerHas, Bitfield allowedFast) {
        int bestPrio = 0, bestCount = Integer.MAX_VALUE, hits = 0, floor = floor();
        for (int w = 0; w < words; w++) {
            for (long x = ~skip[w] & offered(w, peerHas, allowedFast); x != 0; x &= x - 1) {
                int p = (w << 6) + Long.numberOfTrailingZeros(x);
                int c = count(p), pr = priority[p];
                if (c < floor || pr < bestPrio || (pr == bestPrio && c > bestCount)) continue;
                if (pr > bestPrio || c < bestCount) hits = 0;
                bestPrio = pr;
                bestCount = c;
                hits++;
            }
        }
        if (hits == 0) return -1;
        int r = random.nextInt(hits);
        for (int w = 0; w < words; w++) {
            for (long x = ~skip[w] & offered(w, peerHas, allowedFast); x != 0; x &= x - 1) {
                int p = (w << 6) + Long.numberOfTrailingZeros(x);
                if (priority[p] == bestPrio && count(p) == bestCount && r-- == 0) return p;
            }
        }
        throw new IllegalStateException("unreachable: " + hits + " hits counted");
    }

    /**
     * The first pieces: one drawn uniformly at random among the pieces this peer offers (any rarity, but not one only
     * a seed could give), or with several priorities in use, the priority pick.
     */
    private int pickRandom(Bitfield peerHas, Bitfield allowedFast) {
        if (!uniformPriority) return pickByPriority(peerHas, allowedFast);
        boolean noZero = floor() > 0;
        int hits = 0;
        for (int w = 0; w < words; w++) hits += Long.bitCount(announced(w, peerHas, allowedFast, noZero));
        if (hits == 0) return -1;
        int r = random.nextInt(hits);
        for (int w = 0; w < words; w++) {
            long x = announced(w, peerHas, allowedFast, noZero);
            int n = Long.bitCount(x);
            if (r < n) return (w << 6) + nthBit(x, r);
            r -= n;
        }
        throw new IllegalStateException("unreachable: " + hits + " hits counted");
    }

    private boolean usable(int piece, Bitfield peerHas, Bitfield allowedFast) {
        if (allowedFast != null && !allowedFast.get(piece)) return false;
        return peerHas.get(piece);
    }

    /** {@code listed}: {@code d} is in the list of pieces with a free block (a piece just picked is not yet). */
    private void takeFree(Downloading d, Object peer, BlockKeySet mine, List<BlockRequest> out, int max, boolean listed) {
        // from the lowest block that may be free: a peer asks for a few blocks of a piece at a time, and scanning from
        // block 0 on every request made a piece of n blocks cost n^2/2 reads
        int b = d.firstFree;
        for (; b < d.blocks && out.size() < max && d.free > 0; b++) {
            if (d.state(b) != FREE) continue;
            d.state(b, REQUESTED);
            if (--d.free == 0 && listed) freeLost(d);
            d.ask(b, peer);
            mine.add(key(d.piece, b));
            out.add(new BlockRequest(d.piece, b * BLOCK_SIZE, blockLength(d.piece, b)));
        }
        d.firstFree = b;
    }

    /** Endgame: every block of every wanted missing piece is requested or received. */
    public boolean inEndgame() {
        // a wanted missing piece not under way has its skip bit clear
        for (long w : skip) if (w != -1L) return false;
        for (Downloading d = firstWithFree; d != null; d = d.nextWithFree) if (priority[d.piece] > 0) return false;
        return inProgress > 0;
    }

    // ---- events ----

    public BlockResult onBlockReceived(Object peer, int piece, int begin) {
        checkPiece(piece);
        int b = blockIndex(piece, begin);
        Downloading d = byPiece.get(piece);
        BlockKeySet mine = requestsOf(peer);
        boolean askedThisPeer = mine != null && mine.remove(key(piece, b));
        if (have.get(piece) || d == null) return askedThisPeer ? DUPLICATE : UNREQUESTED;
        if (d.state(b) == RECEIVED) {
            d.unask(b, peer);
            return askedThisPeer ? DUPLICATE : UNREQUESTED;
        }
        if (!askedThisPeer) return UNREQUESTED;
        List<Object> cancel = List.of();
        int asked = d.askedCount(b);
        if (asked > 1) {
            cancel = new ArrayList<>(asked - 1);
            for (int i = 0; i < asked; i++) {
                Object o = d.asker(b, i);
                if (o.equals(peer)) continue;
                cancel.add(o);
                BlockKeySet s = requestsOf(o);
                if (s != null) s.remove(key(piece, b));
            }
        }
        d.clearAsked(b);
        d.state(b, RECEIVED);
        d.received++;
        d.sentBy(peer);
        boolean complete = d.received == d.blocks;
        if (cancel.isEmpty()) return complete ? NEW_COMPLETE : NEW_PARTIAL;
        return new BlockResult(BlockResult.Kind.NEW, complete, cancel);
    }

    /**
     * The payload of a block claimed by {@link #onBlockReceived} never arrived in full (its connection died mid-block):
     * the block is free to request again. Ignored if the piece is no longer under way.
     */
    public void onBlockAborted(int piece, int begin) {
        checkPiece(piece);
        int b = blockIndex(piece, begin);
        Downloading d = byPiece.get(piece);
        if (d == null || d.state(b) != RECEIVED) return;
        blockFreed(d, b);
        d.received--;
    }

    /**
     * Reads what a block's arrival for {@code piece} reads first (the piece's entry, if it is under way) and returns a
     * number that means nothing, so the reads are kept. Changes nothing. For a caller about to deliver blocks of
     * several pieces, each of whose entries is likely out of cache (a simulator delivering a round's pieces to one of
     * thousands of pickers): called for all of them first, their cache misses overlap instead of coming one arrival
     * after another.
     */
    public int prefetch(int piece) {
        Downloading d = piece >= 0 && piece < pieceCount ? byPiece.get(piece) : null;
        return d == null ? 0 : d.received;
    }

    /**
     * Reads the first line of what a batch of Haves ({@link #peerHas(int[], int, int)}) and a pick read first (the
     * arrays of our pieces, of the counts, of the pieces to skip and of the pieces under way) and returns a number
     * that means nothing, so the reads are kept. Changes nothing. For a caller about to give many pickers their
     * Haves one after another, each picker likely out of cache (a simulator's thousands): called for the next few
     * first, the misses of those arrays overlap across pickers instead of coming one picker after another, each a
     * chain of loads.
     */
    public long prefetchHaves() {
        return lacking.length + have.word(0) + planes[0][0] + skip[0] + byPiece.touch();
    }

    /**
     * Reads the first line of what blocks arriving read first (the arrays of the pieces under way, of our pieces and of
     * the pieces to skip) and returns a number that means nothing, so the reads are kept. Changes nothing. The same
     * use as {@link #prefetchHaves}, for a caller about to deliver blocks to many pickers one after another.
     */
    public long prefetchArrivals() {
        return byPiece.touch() + have.word(0) + skip[0];
    }

    /** This peer was asked for this block and has not delivered it. False for offsets that are no block. */
    public boolean isRequested(Object peer, int piece, int begin) {
        if (piece < 0 || piece >= pieceCount || begin < 0 || begin % BLOCK_SIZE != 0 || begin >= pieceSize(piece)) return false;
        BlockKeySet mine = requestsOf(peer);
        return mine != null && mine.contains(key(piece, begin / BLOCK_SIZE));
    }

    public void onPieceVerified(int piece) {
        checkPiece(piece);
        // had first, so the piece leaving the pieces under way does not become a candidate for a moment
        have.set(piece);
        Downloading d = remove(piece);
        if (d != null) {
            releaseRequests(d);
            recycle(d);
        } else {
            refreshSkip(piece); // it was not under way: its skip bit may have been clear
        }
    }

    /** Hash mismatch: every block goes back to free. Returns the peers that sent blocks of it (for banning). */
    public Set<Object> onPieceFailed(int piece) {
        checkPiece(piece);
        Downloading d = remove(piece);
        if (d == null) return Set.of();
        releaseRequests(d);
        Set<Object> sent = d.contributors();
        recycle(d);
        return sent;
    }

    /**
     * Forgets a piece under way with whatever blocks it had (the runtime dropped its buffer, e.g. on pause): it
     * is picked afresh later. Requests still out for it no longer count.
     */
    public void abandonPiece(int piece) {
        checkPiece(piece);
        Downloading d = remove(piece);
        if (d != null) {
            releaseRequests(d);
            recycle(d);
        }
    }

    /** Peer disconnected: its outstanding requests become free again (unless another peer also has them in flight). */
    public void onPeerGone(Object peer) {
        cancelAll(peer);
        if (peer instanceof PeerHandle h && h.owner == this) {
            h.owner = null; // cancelAll emptied it
        } else {
            outstanding.remove(peer);
        }
        if (peer.equals(lastPeer)) {
            lastPeer = null;
            lastSet = null;
        }
    }

    /**
     * Every request out to this peer is void (it choked us without the Fast extension, or it is snubbed and we
     * cancel): the blocks are free for others. Returns what was outstanding, e.g. to send Cancel for it.
     */
    public List<BlockRequest> cancelAll(Object peer) {
        BlockKeySet mine = requestsOf(peer);
        if (mine == null || mine.isEmpty()) return List.of();
        List<BlockRequest> gone = new ArrayList<>(mine.size());
        mine.forEach(k -> {
            int piece = (int) (k >>> 32), b = (int) k;
            gone.add(new BlockRequest(piece, b * BLOCK_SIZE, blockLength(piece, b)));
            unrequest(peer, piece, b);
        });
        mine.clear();
        return gone;
    }

    /** RejectRequest, request timeout, or a choke that drops our queue: the block is free for others. Returns
     * whether it was outstanding to this peer; offsets that are no block were never requested. */
    public boolean onRequestRejected(Object peer, int piece, int begin) {
        if (!isRequested(peer, piece, begin)) return false;
        int b = begin / BLOCK_SIZE;
        requestsOf(peer).remove(key(piece, b));
        unrequest(peer, piece, b);
        return true;
    }

    /** Blocks this peer has been asked for and not yet delivered. */
    public int outstandingCount(Object peer) {
        BlockKeySet s = requestsOf(peer);
        return s == null ? 0 : s.size();
    }

    /** The blocks requested from this peer and not yet delivered, or null if none was ever requested. */
    private BlockKeySet requestsOf(Object peer) {
        if (peer instanceof PeerHandle h && h.owner == this) return h;
        if (peer.equals(lastPeer)) return lastSet;
        BlockKeySet s = outstanding.get(peer);
        lastPeer = peer;
        lastSet = s;
        return s;
    }

    private Downloading remove(int piece) {
        Downloading d = byPiece.remove(piece);
        if (d == null) return null;
        unlink(d);
        // a piece had by now keeps the skip bit it had while under way: rewriting the unchanged word would still load
        // its line, which a verified piece's arrival does not otherwise read
        if (!have.get(piece)) refreshSkip(piece);
        return d;
    }

    /** {@code d} is the newest piece under way; the caller puts it in the list of pieces with a free block. */
    private void link(Downloading d) {
        d.seq = ++started;
        inProgress++;
    }

    private void unlink(Downloading d) {
        inProgress--;
        if (d.free > 0) freeLost(d);
    }

    private static final java.util.Comparator<Downloading> BY_SEQ = (a, b) -> Long.compare(a.seq, b.seq);

    /** The pieces under way, oldest first. */
    private Downloading[] underWayInOrder() {
        Downloading[] all = byPiece.entries();
        java.util.Arrays.sort(all, BY_SEQ);
        return all;
    }

    /** The endgame may ask this peer for a block of {@code d} ({@link #endgameAskable}). */
    private boolean endgameCandidate(Downloading d, Object peer, Bitfield peerHas, Bitfield allowedFast) {
        if (priority[d.piece] == 0 || !usable(d.piece, peerHas, allowedFast)) return false;
        for (int b = 0; b < d.blocks; b++) if (endgameAskable(d, b, peer)) return true;
        return false;
    }

    /** Block b of {@code d} is requested, from fewer peers than the most allowed, and not from this one. */
    private boolean endgameAskable(Downloading d, int b, Object peer) {
        return d.state(b) == REQUESTED && d.askedCount(b) < maxDuplicates && !d.askedOf(b, peer);
    }

    /** Block b of a piece under way is free again: the lowest-free hint and the pieces-with-a-free-block list follow. */
    private void blockFreed(Downloading d, int b) {
        d.state(b, FREE);
        if (b < d.firstFree) d.firstFree = b;
        if (d.free++ == 0) freeGained(d);
    }

    private void freeGained(Downloading d) {
        withFree++;
        freeBits[d.piece >>> 6] |= 1L << d.piece;
        // into the list of pieces with a free block, in the order the pieces were started: from the newest end, where a
        // new piece goes at once and a piece that got a block back usually stops after a few steps
        Downloading after = lastWithFree;
        while (after != null && after.seq > d.seq) after = after.prevWithFree;
        d.prevWithFree = after;
        d.nextWithFree = after == null ? firstWithFree : after.nextWithFree;
        if (d.nextWithFree != null) d.nextWithFree.prevWithFree = d;
        else lastWithFree = d;
        if (after != null) after.nextWithFree = d;
        else firstWithFree = d;
    }

    private void freeLost(Downloading d) {
        withFree--;
        freeBits[d.piece >>> 6] &= ~(1L << d.piece);
        if (d.prevWithFree != null) d.prevWithFree.nextWithFree = d.nextWithFree;
        else firstWithFree = d.nextWithFree;
        if (d.nextWithFree != null) d.nextWithFree.prevWithFree = d.prevWithFree;
        else lastWithFree = d.prevWithFree;
        d.prevWithFree = d.nextWithFree = null;
    }

    /** The peer offers a piece under way that has a block nobody was asked for. */
    private boolean offersFree(Bitfield peerHas, Bitfield allowedFast) {
        if (peerHas.wordCount() != words || (allowedFast != null && allowedFast.wordCount() != words)) return true; // the walk reports it
        long any = 0;
        for (int w = 0; w < words; w++) any |= freeBits[w] & offered(w, peerHas, allowedFast);
        return any != 0;
    }

    private void unrequest(Object peer, int piece, int b) {
        Downloading d = byPiece.get(piece);
        if (d == null || d.state(b) != REQUESTED) return;
        d.unask(b, peer);
        if (d.askedCount(b) == 0) blockFreed(d, b);
    }

    private void releaseRequests(Downloading d) {
        for (int b = 0; b < d.blocks; b++) {
            for (int i = 0, n = d.askedCount(b); i < n; i++) {
                BlockKeySet s = requestsOf(d.asker(b, i));
                if (s != null) s.remove(key(d.piece, b));
            }
        }
    }

    private int blockIndex(int piece, int begin) {
        if (begin < 0 || begin % BLOCK_SIZE != 0 || begin >= pieceSize(piece)) {
            throw new IllegalArgumentException("block offset " + begin + " invalid for piece " + piece);
        }
        return begin / BLOCK_SIZE;
    }

    private void checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) throw new IndexOutOfBoundsException("piece " + piece + " out of range");
    }

    /**
     * Checks the rarest-first structure (for tests): skip bits say exactly which pieces are had, under way or
     * priority 0; planes at and above {@code planesUsed} are zero, and so are bits past the last piece. Throws on the
     * first violation.
     */
    void checkOrder() {
        for (int p = 0; p < pieceCount; p++) {
            boolean want = have.get(p) || byPiece.get(p) != null || priority[p] == 0;
            if (skipped(p) != want) throw new IllegalStateException("skip bit of piece " + p + " is " + skipped(p));
        }
        checkCounts();
        int free = 0;
        long[] bits = new long[words];
        Downloading[] underWay = underWayInOrder();
        if (underWay.length != inProgress) throw new IllegalStateException(underWay.length + " pieces under way, inProgress says " + inProgress);
        for (Downloading d : underWay) {
            for (int b = 0; b < d.firstFree && b < d.blocks; b++) {
                if (d.state(b) == FREE) throw new IllegalStateException("piece " + d.piece + " block " + b + " is free below firstFree " + d.firstFree);
            }
            if (d.free > 0) {
                free++;
                bits[d.piece >>> 6] |= 1L << d.piece;
            }
        }
        if (!java.util.Arrays.equals(bits, freeBits)) throw new IllegalStateException("pieces with free blocks differ from their bitset");
        Downloading w = firstWithFree, prevW = null;
        for (Downloading d : underWay) {
            if (d.free == 0) continue;
            if (w != d) throw new IllegalStateException("piece " + d.piece + " has free blocks but is not next in the list of such pieces");
            if (w.prevWithFree != prevW) throw new IllegalStateException("list of pieces with free blocks broken at piece " + d.piece);
            prevW = w;
            w = w.nextWithFree;
        }
        if (w != null || lastWithFree != prevW) throw new IllegalStateException("list of pieces with free blocks has extra entries");
        if (free != withFree) throw new IllegalStateException(free + " pieces under way have free blocks, withFree says " + withFree);
    }

    private static long key(int piece, int block) { return ((long) piece << 32) | block; }

    /**
     * A few entries of pieces no longer under way, kept for the next pieces picked: a piece's entry with arrays is
     * several objects (block states, requesters), and a swarm of pickers starts tens of millions of pieces, each entry
     * garbage once verified. An entry without arrays is not kept (see {@link #recycle}).
     */
    private Downloading[] spare = new Downloading[4];
    /** Most spare entries kept, whatever the bound on pieces under way. */
    private static final int MAX_SPARE = 128;
    private int spareCount;
    /** Blocks of a full-length piece: the only entries kept as spares. */
    private final int fullBlocks;

    /**
     * A spare entry for a full-length piece, else a new one. No loop over the spares: only full-length pieces' entries
     * are kept (the short last piece's is left to the collector), so the top one always fits. A search loop here made
     * the JIT recompile the whole pick when its speculation about the loop failed.
     */
    private Downloading obtain(int piece, int blocks) {
        if (blocks != fullBlocks || spareCount == 0) return Downloading.create(piece, blocks, maxDuplicates);
        Downloading d = spare[--spareCount];
        spare[spareCount] = null;
        d.reuse(piece);
        return d;
    }

    /** An entry out of every structure (unlinked, not in byPiece, its requests released) may be used again. */
    private void recycle(Downloading d) {
        // an entry without arrays is one object: a new one costs less than a spare, which is out of cache by the time
        // it is taken (a swarm of pickers later), while a new object's memory is prefetched as it is allocated
        if (d.blocks == fullBlocks && spareCount < spare.length && !d.inline()) {
            d.clear();
            spare[spareCount++] = d;
        }
    }
}
