package io.btspeed.core.picker;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * <p>Rarest-first without scanning every piece: {@code order} holds all pieces. Its front holds the pieces we have
 * (in no particular order); after them come the pieces we lack, sorted by availability and split into contiguous
 * buckets (one per availability count). A have/bitfield moves a missing piece to the neighbouring bucket with one
 * swap, O(1); for a piece we have it only counts, since no scan looks at it. Verifying a piece moves it out of the
 * buckets into the front region (one swap per bucket below it), so late in a download a pick scans only what is
 * still missing. Within a bucket, the order is a seeded shuffle, which is the random tie-break. Peers that have
 * everything (seeds, HaveAll) are counted separately so a seed joining costs O(1), not O(pieces).
 *
 * <p>A runtime that reads payloads straight into piece buffers claims a block when its header arrives
 * ({@link #onBlockReceived}) and gives the claim back with {@link #onBlockAborted} if the payload never completes;
 * {@link #setMaxPiecesInProgress} bounds how many pieces are under way at once (each holds a buffer until verified).
 * Not thread-safe: the caller serialises access.
 */
public final class PiecePicker {
    public static final int BLOCK_SIZE = 16 * 1024;
    public static final int RANDOM_FIRST_PIECES = 4;

    private static final byte FREE = 0, REQUESTED = 1, RECEIVED = 2;

    private final int pieceCount;
    private final int pieceLength;
    private final long totalLength;
    private final Random random;
    private final int maxDuplicates;

    private final Bitfield have;
    private final byte[] priority;
    private final int[] availability;
    private final int[] order;
    private final int[] pos;
    /**
     * bucketStart[k] = first index in order of missing pieces with availability >= k; grows as needed. The pieces
     * before bucketStart[0] are the ones we have.
     */
    private int[] bucketStart;
    private int seeds;
    private int maxPriority = 1;
    /** Written by the batched {@link #peerHas(int[], int)}'s first pass so the JIT keeps its reads. */
    private int touched;

    /**
     * Pieces under way, oldest first (partial pieces are finished in the order they were started): an intrusive
     * list through {@link Downloading}, so starting and ending a piece neither allocates a map entry nor boxes.
     */
    private Downloading first, last;
    private int inProgress;
    /** The same entries indexed by piece: per-block lookups without boxing a piece number. */
    private final Downloading[] byPiece;
    private int maxInProgress = Integer.MAX_VALUE;
    private final Map<Object, BlockKeySet> outstanding = new HashMap<>();

    public PiecePicker(int pieceLength, long totalLength, Bitfield have, Random random, int maxDuplicates) {
        if (pieceLength <= 0 || totalLength < 0) throw new IllegalArgumentException("bad geometry");
        long pc = (totalLength + pieceLength - 1) / pieceLength;
        if (pc != have.pieceCount()) {
            throw new IllegalArgumentException("have bitfield has " + have.pieceCount() + " pieces, geometry gives " + pc);
        }
        if (maxDuplicates < 1) throw new IllegalArgumentException("maxDuplicates must be >= 1");
        this.pieceCount = (int) pc;
        this.pieceLength = pieceLength;
        this.totalLength = totalLength;
        this.random = random;
        this.maxDuplicates = maxDuplicates;
        this.have = have.copy();
        this.priority = new byte[pieceCount];
        java.util.Arrays.fill(priority, (byte) 1);
        this.availability = new int[pieceCount];
        this.order = new int[pieceCount];
        this.byPiece = new Downloading[pieceCount];
        this.pos = new int[pieceCount];
        for (int i = 0; i < pieceCount; i++) order[i] = i;
        for (int i = pieceCount - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int i = 0; i < pieceCount; i++) pos[order[i]] = i;
        this.bucketStart = new int[] {0, pieceCount, pieceCount, pieceCount};
        // pieces we start with leave the rarity order at once (all have availability 0, so one swap each)
        for (int p = this.have.nextSetBit(0); p >= 0; p = this.have.nextSetBit(p + 1)) dropFromOrder(p);
    }

    public PiecePicker(int pieceLength, long totalLength, Bitfield have, Random random) {
        this(pieceLength, totalLength, have, random, 2);
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
        priority[piece] = (byte) prio;
        int m = 0;
        for (byte b : priority) if (b > m) m = b;
        maxPriority = m;
    }

    /** Sets many priorities at once (file selection) without recomputing the maximum per piece. */
    public void setPriorities(byte[] prios) {
        if (prios.length != pieceCount) throw new IllegalArgumentException("need " + pieceCount + " priorities");
        int m = 0;
        for (byte b : prios) {
            if (b < 0 || b > 7) throw new IllegalArgumentException("priority " + b + " not in 0..7");
            if (b > m) m = b;
        }
        System.arraycopy(prios, 0, priority, 0, pieceCount);
        maxPriority = m;
    }

    public int priority(int piece) { return priority[piece]; }

    public int availability(int piece) { return availability[piece] + seeds; }

    /**
     * At most this many pieces under way (partly requested, or complete and awaiting verification): a runtime that
     * keeps a buffer per piece bounds its memory with this, and a slow disk then slows requests instead of
     * growing memory. Default unbounded.
     */
    public void setMaxPiecesInProgress(int max) {
        if (max < 1) throw new IllegalArgumentException("max pieces in progress must be >= 1");
        maxInProgress = max;
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
     * Haves for {@code count} pieces at once (e.g. a round of Have messages, batched): the same as {@link #peerHas}
     * for each in turn. A first pass reads each piece's slot in the rarity order, so the batch's cache misses
     * overlap instead of coming one after another (a simulator with thousands of pickers is bound by them).
     */
    public void peerHas(int[] pieces, int count) {
        int sum = 0;
        for (int i = 0; i < count; i++) sum += order[pos[pieces[i]]];
        touched = sum;
        for (int i = 0; i < count; i++) increment(pieces[i]);
    }

    public void peerBitfield(Bitfield bits) {
        for (int p = bits.nextSetBit(0); p >= 0; p = bits.nextSetBit(p + 1)) increment(p);
    }

    public void peerHasAll() { seeds++; }

    /**
     * Withdraws what a peer said it has without touching its requests: it replaced its bitfield (e.g. HaveAll after
     * a Bitfield). {@code bits} may be null when {@code hadAll}.
     */
    public void peerForgot(Bitfield bits, boolean hadAll) {
        if (hadAll) seeds--;
        else for (int p = bits.nextSetBit(0); p >= 0; p = bits.nextSetBit(p + 1)) decrement(p);
    }

    /** Removes a departing peer's contribution to availability and frees its outstanding requests. */
    public void peerLeft(Object peer, Bitfield bits, boolean wasHaveAll) {
        if (wasHaveAll) seeds--;
        else for (int p = bits.nextSetBit(0); p >= 0; p = bits.nextSetBit(p + 1)) decrement(p);
        onPeerGone(peer);
    }

    private void increment(int piece) {
        int k = availability[piece];
        if (have.get(piece)) {
            // out of the rarity order: only the count is kept (for availability())
            availability[piece] = k + 1;
            return;
        }
        if (k + 2 >= bucketStart.length) {
            int old = bucketStart.length;
            bucketStart = java.util.Arrays.copyOf(bucketStart, old * 2);
            java.util.Arrays.fill(bucketStart, old, bucketStart.length, pieceCount);
        }
        // move piece to the last slot of bucket k, then shrink bucket k+1's start over it
        int last = bucketStart[k + 1] - 1;
        swap(pos[piece], last);
        bucketStart[k + 1]--;
        availability[piece] = k + 1;
    }

    private void decrement(int piece) {
        int k = availability[piece];
        if (k == 0) throw new IllegalStateException("availability of piece " + piece + " would go negative");
        if (have.get(piece)) {
            availability[piece] = k - 1;
            return;
        }
        int first = bucketStart[k];
        swap(pos[piece], first);
        bucketStart[k]++;
        availability[piece] = k - 1;
    }

    /**
     * Moves a piece we now have out of the buckets into the front region: it goes to the first slot of its bucket,
     * that bucket's start moves past it (it is now the last slot of the bucket below), and so on down to bucket 0,
     * whose start is the end of the front region. Costs one swap per bucket at or below its availability.
     */
    private void dropFromOrder(int piece) {
        for (int j = availability[piece]; j >= 0; j--) {
            swap(pos[piece], bucketStart[j]);
            bucketStart[j]++;
        }
    }

    private void swap(int i, int j) {
        int a = order[i], b = order[j];
        order[i] = b; order[j] = a;
        pos[b] = i; pos[a] = j;
    }

    // ---- picking ----

    /**
     * Picks up to maxBlocks blocks to request from this peer.
     *
     * @param allowedFast when non-null the peer is choking us: only these pieces may be requested (BEP 6)
     */
    public List<BlockRequest> pickBlocks(Object peer, Bitfield peerHas, int maxBlocks, Bitfield allowedFast) {
        List<BlockRequest> out = new ArrayList<>(Math.min(maxBlocks, 64));
        if (maxBlocks <= 0) return out;
        BlockKeySet mine = outstanding.computeIfAbsent(peer, k -> new BlockKeySet());
        // 1. partial pieces, highest priority first
        for (int prio = maxPriority; prio >= 1 && out.size() < maxBlocks; prio--) {
            for (Downloading d = first; d != null; d = d.next) {
                if (out.size() >= maxBlocks) break;
                if (d.free > 0 && priority[d.piece] == prio && usable(d.piece, peerHas, allowedFast)) {
                    takeFree(d, peer, mine, out, maxBlocks);
                }
            }
        }
        // 2./3. fresh pieces
        boolean randomMode = have.cardinality() < RANDOM_FIRST_PIECES;
        // availability 0 pieces can't be fetched from anyone but a seed; pieces we have lie before bucket 0
        int start = seeds > 0 ? bucketStart[0] : bucketStart[1];
        int span = pieceCount - start;
        while (out.size() < maxBlocks && span > 0 && inProgress < maxInProgress) {
            int best = -1;
            int bestPrio = 0;
            int offset = randomMode ? random.nextInt(span) : 0;
            // wrap around without a division per step; test the peer's bitfield first, since late in a download
            // most pieces a scan meets are ones this peer lacks
            int end = start + span;
            for (int i = 0, idx = start + offset; i < span; i++, idx = idx + 1 == end ? start : idx + 1) {
                int p = order[idx];
                if (!usable(p, peerHas, allowedFast)) continue;
                int pr = priority[p];
                if (pr <= bestPrio || byPiece[p] != null) continue;
                best = p;
                bestPrio = pr;
                // order is by rarity, so the first hit at the top priority in use is the rarest of it;
                // keep scanning only while a higher priority might still exist
                if (pr >= maxPriority) break;
            }
            if (best < 0) break;
            if (!randomMode) best = tieBreak(best, peerHas, allowedFast);
            Downloading d = new Downloading(best, blocksInPiece(best));
            link(d);
            byPiece[best] = d;
            takeFree(d, peer, mine, out, maxBlocks);
        }
        // 4. endgame
        if (out.size() < maxBlocks && inEndgame()) {
            for (Downloading d = first; d != null; d = d.next) {
                if (out.size() >= maxBlocks) break;
                if (priority[d.piece] == 0 || !usable(d.piece, peerHas, allowedFast)) continue;
                for (int b = 0; b < d.state.length && out.size() < maxBlocks; b++) {
                    if (d.state[b] != REQUESTED) continue;
                    List<Object> who = d.requesters[b];
                    if (who.size() >= maxDuplicates || who.contains(peer)) continue;
                    who.add(peer);
                    mine.add(key(d.piece, b));
                    out.add(new BlockRequest(d.piece, b * BLOCK_SIZE, blockLength(d.piece, b)));
                }
            }
        }
        return out;
    }


    /**
     * Random tie-break among the equally rare: applying bitfields moves pieces in index order, so the order inside
     * a bucket is not random by itself. Scan best's bucket from a random offset for an equally good piece.
     */
    private int tieBreak(int best, Bitfield peerHas, Bitfield allowedFast) {
        int k = availability[best];
        int from = bucketStart[k];
        int to = k + 1 < bucketStart.length ? bucketStart[k + 1] : pieceCount;
        int span = to - from;
        if (span <= 1) return best;
        int offset = random.nextInt(span);
        int prio = priority[best];
        for (int i = 0, idx = from + offset; i < span; i++, idx = idx + 1 == to ? from : idx + 1) {
            int p = order[idx];
            if (usable(p, peerHas, allowedFast) && priority[p] == prio && byPiece[p] == null) return p;
        }
        return best;
    }

    private boolean usable(int piece, Bitfield peerHas, Bitfield allowedFast) {
        if (allowedFast != null && !allowedFast.get(piece)) return false;
        return peerHas.get(piece);
    }

    private void takeFree(Downloading d, Object peer, BlockKeySet mine, List<BlockRequest> out, int max) {
        for (int b = 0; b < d.state.length && out.size() < max && d.free > 0; b++) {
            if (d.state[b] != FREE) continue;
            d.state[b] = REQUESTED;
            d.free--;
            d.requesters[b].add(peer);
            mine.add(key(d.piece, b));
            out.add(new BlockRequest(d.piece, b * BLOCK_SIZE, blockLength(d.piece, b)));
        }
    }

    /** Endgame: every block of every wanted missing piece is requested or received. */
    public boolean inEndgame() {
        for (int p = have.nextClearBit(0); p >= 0; p = have.nextClearBit(p + 1)) {
            if (priority[p] == 0) continue;
            Downloading d = byPiece[p];
            if (d == null || d.free > 0) return false;
        }
        return inProgress > 0;
    }

    // ---- events ----

    public BlockResult onBlockReceived(Object peer, int piece, int begin) {
        checkPiece(piece);
        int b = blockIndex(piece, begin);
        Downloading d = byPiece[piece];
        BlockKeySet mine = outstanding.get(peer);
        boolean askedThisPeer = mine != null && mine.remove(key(piece, b));
        if (have.get(piece) || d == null) {
            return new BlockResult(askedThisPeer ? BlockResult.Kind.DUPLICATE : BlockResult.Kind.UNREQUESTED, false, List.of());
        }
        if (d.state[b] == RECEIVED) {
            d.requesters[b].remove(peer);
            return new BlockResult(askedThisPeer ? BlockResult.Kind.DUPLICATE : BlockResult.Kind.UNREQUESTED, false, List.of());
        }
        if (!askedThisPeer) {
            return new BlockResult(BlockResult.Kind.UNREQUESTED, false, List.of());
        }
        List<Object> cancel = List.of();
        List<Object> who = d.requesters[b];
        if (who.size() > 1) {
            cancel = new ArrayList<>(who.size() - 1);
            for (Object o : who) {
                if (o.equals(peer)) continue;
                cancel.add(o);
                BlockKeySet s = outstanding.get(o);
                if (s != null) s.remove(key(piece, b));
            }
        }
        who.clear();
        d.state[b] = RECEIVED;
        d.received++;
        if (!d.contributors.contains(peer)) d.contributors.add(peer);
        return new BlockResult(BlockResult.Kind.NEW, d.received == d.state.length, cancel);
    }

    /**
     * The payload of a block claimed by {@link #onBlockReceived} never arrived in full (its connection died mid-block):
     * the block is free to request again. Ignored if the piece is no longer under way.
     */
    public void onBlockAborted(int piece, int begin) {
        checkPiece(piece);
        int b = blockIndex(piece, begin);
        Downloading d = byPiece[piece];
        if (d == null || d.state[b] != RECEIVED) return;
        d.state[b] = FREE;
        d.free++;
        d.received--;
    }

    /** This peer was asked for this block and has not delivered it. False for offsets that are no block. */
    public boolean isRequested(Object peer, int piece, int begin) {
        if (piece < 0 || piece >= pieceCount || begin < 0 || begin % BLOCK_SIZE != 0 || begin >= pieceSize(piece)) return false;
        BlockKeySet mine = outstanding.get(peer);
        return mine != null && mine.contains(key(piece, begin / BLOCK_SIZE));
    }

    public void onPieceVerified(int piece) {
        checkPiece(piece);
        Downloading d = remove(piece);
        if (d != null) releaseRequests(d);
        if (have.get(piece)) return;
        dropFromOrder(piece);
        have.set(piece);
    }

    /** Hash mismatch: every block goes back to free. Returns the peers that sent blocks of it (for banning). */
    public Set<Object> onPieceFailed(int piece) {
        checkPiece(piece);
        Downloading d = remove(piece);
        if (d == null) return Set.of();
        releaseRequests(d);
        return new HashSet<>(d.contributors);
    }

    /**
     * Forgets a piece under way with whatever blocks it had (the runtime dropped its buffer, e.g. on pause): it
     * is picked afresh later. Requests still out for it no longer count.
     */
    public void abandonPiece(int piece) {
        checkPiece(piece);
        Downloading d = remove(piece);
        if (d != null) releaseRequests(d);
    }

    /** Peer disconnected: its outstanding requests become free again (unless another peer also has them in flight). */
    public void onPeerGone(Object peer) {
        cancelAll(peer);
        outstanding.remove(peer);
    }

    /**
     * Every request out to this peer is void (it choked us without the Fast extension, or it is snubbed and we
     * cancel): the blocks are free for others. Returns what was outstanding, e.g. to send Cancel for it.
     */
    public List<BlockRequest> cancelAll(Object peer) {
        BlockKeySet mine = outstanding.get(peer);
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
        outstanding.get(peer).remove(key(piece, b));
        unrequest(peer, piece, b);
        return true;
    }

    /** Blocks this peer has been asked for and not yet delivered. */
    public int outstandingCount(Object peer) {
        BlockKeySet s = outstanding.get(peer);
        return s == null ? 0 : s.size();
    }

    private Downloading remove(int piece) {
        Downloading d = byPiece[piece];
        if (d == null) return null;
        byPiece[piece] = null;
        unlink(d);
        return d;
    }

    private void link(Downloading d) {
        d.prev = last;
        if (last != null) last.next = d;
        else first = d;
        last = d;
        inProgress++;
    }

    private void unlink(Downloading d) {
        if (d.prev != null) d.prev.next = d.next;
        else first = d.next;
        if (d.next != null) d.next.prev = d.prev;
        else last = d.prev;
        d.prev = d.next = null;
        inProgress--;
    }

    private void unrequest(Object peer, int piece, int b) {
        Downloading d = byPiece[piece];
        if (d == null || d.state[b] != REQUESTED) return;
        List<Object> who = d.requesters[b];
        who.remove(peer);
        if (who.isEmpty()) {
            d.state[b] = FREE;
            d.free++;
        }
    }

    private void releaseRequests(Downloading d) {
        for (int b = 0; b < d.state.length; b++) {
            for (Object o : d.requesters[b]) {
                BlockKeySet s = outstanding.get(o);
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
     * Checks the rarity order's structure (for tests): order and pos are inverse permutations, the front region holds
     * exactly the pieces we have, and every later piece lies in the bucket of its availability. Throws on the first
     * violation.
     */
    void checkOrder() {
        for (int i = 0; i < pieceCount; i++) {
            if (pos[order[i]] != i) throw new IllegalStateException("pos/order disagree at " + i);
        }
        if (bucketStart[0] != have.cardinality()) {
            throw new IllegalStateException("front region " + bucketStart[0] + " != pieces had " + have.cardinality());
        }
        for (int i = 0; i < pieceCount; i++) {
            int p = order[i];
            if (i < bucketStart[0]) {
                if (!have.get(p)) throw new IllegalStateException("missing piece " + p + " in the front region");
                continue;
            }
            if (have.get(p)) throw new IllegalStateException("had piece " + p + " still in bucket order at " + i);
            int k = availability[p];
            int from = bucketStart[k], to = k + 1 < bucketStart.length ? bucketStart[k + 1] : pieceCount;
            if (i < from || i >= to) {
                throw new IllegalStateException("piece " + p + " of availability " + k + " at " + i + " outside [" + from + "," + to + ")");
            }
        }
    }

    private static long key(int piece, int block) { return ((long) piece << 32) | block; }

    private static final class Downloading {
        final int piece;
        final byte[] state;
        final List<Object>[] requesters;
        /** Peers that sent blocks of it, each once: a few at most, so a list beats a hash set. */
        final List<Object> contributors = new ArrayList<>(2);
        Downloading prev, next;
        int free;
        int received;

        @SuppressWarnings("unchecked")
        Downloading(int piece, int blocks) {
            this.piece = piece;
            this.state = new byte[blocks];
            this.requesters = new List[blocks];
            for (int i = 0; i < blocks; i++) requesters[i] = new ArrayList<>(1);
            this.free = blocks;
        }
    }
}
