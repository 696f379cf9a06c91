package io.btspeed.engine.torrent;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Decides which blocks to request from a peer: first free blocks of pieces already under way (so
 * pieces complete and free their buffers), then a new piece chosen rarest-first with a random
 * tie-break, and once nothing is left unrequested, endgame duplicates of blocks other peers still
 * owe. Not thread-safe: the torrent calls it under its lock.
 */
final class BlockPicker {
    private static final int ENDGAME_MAX_REQUESTS = 2;

    private final int pieceCount;
    private final IntFunction<Integer> pieceSize;
    private final BitSet have;
    private final BitSet wanted;
    private final int[] availability;
    private final Map<Integer, PieceAssembly> active = new LinkedHashMap<>();
    /** Pieces whose bytes are all in and are being hashed/written: neither wanted again nor active. */
    private final BitSet verifying = new BitSet();
    /** Pieces waiting for hash and write also hold a buffer: counted against the memory budget, so a slow disk slows requests. */
    private int verifyingCount;
    /** Wanted pieces not yet verified; endgame starts when all of them are active or verifying. */
    private int wantedMissing;
    private final Random random;
    private final int maxActive;
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private final int bufferSize;

    BlockPicker(int pieceCount, int pieceLength, IntFunction<Integer> pieceSize, BitSet have, BitSet wanted, long seed, long memoryBudget) {
        this.pieceCount = pieceCount;
        this.pieceSize = pieceSize;
        this.have = have;
        this.wanted = wanted;
        this.availability = new int[pieceCount];
        this.random = new Random(seed);
        this.bufferSize = pieceLength;
        this.maxActive = (int) Math.max(4, memoryBudget / pieceLength);
        BitSet missing = (BitSet) wanted.clone();
        missing.andNot(have);
        this.wantedMissing = missing.cardinality();
    }

    Map<Integer, PieceAssembly> active() {
        return active;
    }

    PieceAssembly assembly(int piece) {
        return active.get(piece);
    }

    int availability(int piece) {
        return availability[piece];
    }

    void addAvailability(int piece, int delta) {
        availability[piece] += delta;
    }

    void addAvailability(BitSet pieces, boolean hasAll, int delta) {
        if (hasAll) {
            for (int i = 0; i < pieceCount; i++) availability[i] += delta;
        } else {
            for (int i = pieces.nextSetBit(0); i >= 0 && i < pieceCount; i = pieces.nextSetBit(i + 1)) availability[i] += delta;
        }
    }

    /** True if the peer has a piece we still need (ignoring what is already under way). */
    boolean interesting(Peer p) {
        for (int i = wanted.nextSetBit(0); i >= 0; i = wanted.nextSetBit(i + 1)) {
            if (!have.get(i) && p.hasPiece(i)) return true;
        }
        return false;
    }

    boolean needsMore() {
        return wantedMissing > 0;
    }

    /**
     * Picks up to {@code max} block keys to request from {@code p} and marks them requested.
     * {@code allowedOnly} restricts to the peer's allowed-fast pieces (we are choked).
     */
    int pick(Peer p, int max, boolean allowedOnly, java.util.function.LongConsumer out) {
        int n = 0;
        for (PieceAssembly a : active.values()) {
            if (n >= max) return n;
            if (a.free == 0 || !p.hasPiece(a.piece) || (allowedOnly && !p.allowedFast.contains(a.piece))) continue;
            n += takeFree(a, p, max - n, out);
        }
        while (n < max && active.size() + verifyingCount < maxActive) {
            int piece = choosePiece(p, allowedOnly);
            if (piece < 0) break;
            PieceAssembly a = start(piece);
            n += takeFree(a, p, max - n, out);
        }
        if (n < max && !allowedOnly) n += endgame(p, max - n, out);
        return n;
    }

    private int takeFree(PieceAssembly a, Peer p, int max, java.util.function.LongConsumer out) {
        int n = 0;
        for (int b = 0; b < a.state.length && n < max; b++) {
            if (a.state[b] != PieceAssembly.FREE) continue;
            long key = Blocks.key(a.piece, b * Blocks.SIZE);
            if (p.outstanding.contains(key)) continue;
            a.state[b] = PieceAssembly.REQUESTED;
            a.requests[b]++;
            a.free--;
            p.outstanding.add(key);
            out.accept(key);
            n++;
        }
        return n;
    }

    private int endgame(Peer p, int max, java.util.function.LongConsumer out) {
        // Only once no piece can be started any more: every missing wanted piece is active or verifying.
        if (wantedMissing > active.size() + verifyingCount) return 0;
        int n = 0;
        for (PieceAssembly a : active.values()) {
            if (!p.hasPiece(a.piece)) continue;
            for (int b = 0; b < a.state.length && n < max; b++) {
                if (a.state[b] != PieceAssembly.REQUESTED || a.requests[b] >= ENDGAME_MAX_REQUESTS) continue;
                long key = Blocks.key(a.piece, b * Blocks.SIZE);
                if (!p.outstanding.add(key)) continue;
                a.requests[b]++;
                out.accept(key);
                n++;
            }
        }
        return n;
    }

    private int choosePiece(Peer p, boolean allowedOnly) {
        int best = -1;
        int bestAvail = Integer.MAX_VALUE;
        int ties = 0;
        for (int i = wanted.nextSetBit(0); i >= 0; i = wanted.nextSetBit(i + 1)) {
            if (have.get(i) || verifying.get(i) || active.containsKey(i) || !p.hasPiece(i)) continue;
            if (allowedOnly && !p.allowedFast.contains(i)) continue;
            int av = availability[i];
            if (av < bestAvail) {
                best = i;
                bestAvail = av;
                ties = 1;
            } else if (av == bestAvail && random.nextInt(++ties) == 0) {
                best = i; // reservoir sampling: each tied piece equally likely
            }
        }
        return best;
    }

    private PieceAssembly start(int piece) {
        ByteBuffer buf = pool.pollFirst();
        if (buf == null) buf = ByteBuffer.allocateDirect(bufferSize);
        int size = pieceSize.apply(piece);
        buf.clear().limit(size);
        PieceAssembly a = new PieceAssembly(piece, size, buf);
        active.put(piece, a);
        return a;
    }

    /** A request for {@code key} by {@code p} is gone (choked, rejected, timed out, disconnected). */
    void release(Peer p, long key) {
        PieceAssembly a = active.get(Blocks.piece(key));
        if (a == null) return;
        int b = Blocks.begin(key) / Blocks.SIZE;
        if (a.requests[b] > 0) a.requests[b]--;
        if (a.state[b] == PieceAssembly.REQUESTED && a.requests[b] == 0) {
            a.state[b] = PieceAssembly.FREE;
            a.free++;
        }
    }

    /** The reader of a block died mid-payload: the block must be fetched again. */
    void abortReceiving(long key) {
        PieceAssembly a = active.get(Blocks.piece(key));
        if (a == null) return;
        int b = Blocks.begin(key) / Blocks.SIZE;
        if (a.state[b] == PieceAssembly.RECEIVING) {
            a.state[b] = a.requests[b] > 0 ? PieceAssembly.REQUESTED : PieceAssembly.FREE;
            if (a.state[b] == PieceAssembly.FREE) a.free++;
        }
    }

    /** All blocks are in: the piece leaves the active set and waits for its hash. */
    void toVerifying(PieceAssembly a) {
        active.remove(a.piece);
        verifying.set(a.piece);
        verifyingCount++;
    }

    /** Hash result is in; the buffer goes back to the pool. */
    void verified(PieceAssembly a, boolean ok) {
        verifying.clear(a.piece);
        verifyingCount--;
        if (ok && !have.get(a.piece)) {
            have.set(a.piece);
            if (wanted.get(a.piece)) wantedMissing--;
        }
        recycle(a.buffer);
    }

    /**
     * Drops every active piece (pause). Their buffers are not pooled: a reader that has not yet
     * noticed its closed socket could still be writing into one.
     */
    void dropActive() {
        active.clear();
    }

    private void recycle(ByteBuffer buf) {
        if (pool.size() < maxActive) pool.addFirst(buf);
    }
}
