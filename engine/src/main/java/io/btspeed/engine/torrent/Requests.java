package io.btspeed.engine.torrent;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.picker.BlockResult;
import io.btspeed.core.picker.PiecePicker;
import io.btspeed.engine.net.WireViolation;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.Cancel;
import io.btspeed.protocol.wire.Interested;
import io.btspeed.protocol.wire.NotInterested;
import io.btspeed.protocol.wire.Request;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * What we download from whom and where the bytes go: core's {@link PiecePicker} decides which blocks to request
 * (rarest first, partial pieces first, endgame), each peer's {@link io.btspeed.core.pipeline.RequestPipeline} how
 * many to keep out, and {@link PieceBuffers} holds the pieces under way. Also keeps interest and what each peer
 * has. Exists once the torrent knows what it has (after the check); guarded by the torrent lock.
 */
final class Requests {
    /** Piece buffers, including pieces waiting for hash and write, may take this much memory. */
    static final long PIECE_MEMORY_BUDGET = 64L << 20;

    private final int pieceCount;
    private final PiecePicker picker;
    private final PieceBuffers buffers;
    /** What a HaveAll peer has, for the picker. */
    private final Bitfield allPieces;
    private final BitSet have;
    private final BitSet wanted;
    private final List<Peer> peers;
    private final BooleanSupplier paused;

    /**
     * Pieces under way are bounded by the memory budget, which also counts pieces waiting for hash and write: a
     * slow disk then slows requests instead of growing memory.
     *
     * @param have   the torrent's verified pieces (read here; the torrent sets them)
     * @param wanted the pieces of the selected files
     * @param peers  the torrent's connected peers (the same list, under the same lock)
     */
    Requests(Metainfo m, BitSet have, BitSet wanted, long seed, List<Peer> peers, BooleanSupplier paused) {
        int n = m.pieceCount();
        this.pieceCount = n;
        this.have = have;
        this.wanted = wanted;
        this.peers = peers;
        this.paused = paused;
        Bitfield hb = new Bitfield(n);
        for (int i = have.nextSetBit(0); i >= 0 && i < n; i = have.nextSetBit(i + 1)) hb.set(i);
        picker = new PiecePicker(m.pieceLength(), m.totalLength(), hb, new Random(seed));
        byte[] priorities = new byte[n];
        for (int i = wanted.nextSetBit(0); i >= 0 && i < n; i = wanted.nextSetBit(i + 1)) priorities[i] = 1;
        picker.setPriorities(priorities);
        int maxInProgress = (int) Math.max(4, PIECE_MEMORY_BUDGET / m.pieceLength());
        picker.setMaxPiecesInProgress(maxInProgress);
        buffers = new PieceBuffers(n, m.pieceLength(), maxInProgress);
        allPieces = Bitfield.full(n);
    }

    boolean wantedComplete() {
        return picker.isWantedComplete();
    }

    // ---------------------------------------------------------------- what peers have

    /** A peer connected after we became ready: it has nothing until it says so. */
    void newPeer(Peer p) {
        p.bits = new Bitfield(pieceCount);
    }

    /** We just became ready: validate and count what the peer told us before we knew the piece count. */
    void adopt(Peer p) throws WireViolation {
        Bitfield b = p.pendingBitfield != null ? PeerWire.fromWire(p.pendingBitfield, pieceCount) : new Bitfield(pieceCount);
        p.pendingBitfield = null;
        if (p.earlyHaves.length() > pieceCount) {
            throw new WireViolation("have for piece " + (p.earlyHaves.length() - 1) + " of " + pieceCount);
        }
        for (int i = p.earlyHaves.nextSetBit(0); i >= 0; i = p.earlyHaves.nextSetBit(i + 1)) b.set(i);
        p.bits = b;
        if (p.hasAll) picker.peerHasAll();
        else picker.peerBitfield(b);
    }

    void onHave(Peer p, int piece) {
        if (p.hasAll || !p.bits.set(piece)) return;
        picker.peerHas(piece);
        if (!p.amInterested && wanted.get(piece) && !have.get(piece)) setInterested(p, true);
        fill(p);
    }

    /** The peer's bitfield replaces whatever it said before. */
    void onBitfield(Peer p, byte[] bits) throws WireViolation {
        Bitfield b = PeerWire.fromWire(bits, pieceCount);
        picker.peerForgot(p.bits, p.hasAll);
        p.hasAll = false;
        p.bits = b;
        picker.peerBitfield(b);
    }

    void onHaveAll(Peer p) {
        if (!p.hasAll) {
            picker.peerForgot(p.bits, false);
            picker.peerHasAll();
        }
        p.hasAll = true;
    }

    /** The peer is gone: the block it was filling and everything it owed are free again. */
    void peerClosed(Peer p) {
        abortReceiving(p);
        // a peer closed before its pieces were counted (bad bitfield at adoption) has only requests to free
        if (p.bits != null) picker.peerLeft(p, p.bits, p.hasAll);
        else picker.onPeerGone(p);
    }

    // ---------------------------------------------------------------- interest and requests

    void updateInterest(Peer p) {
        boolean want = p.bits != null && picker.isInteresting(p.hasAll ? allPieces : p.bits);
        if (want != p.amInterested) setInterested(p, want);
        if (want) fill(p);
    }

    private void setInterested(Peer p, boolean want) {
        p.amInterested = want;
        p.conn.send(want ? new Interested() : new NotInterested());
    }

    /** Tops up the peer's requests to the depth its pipeline wants, with blocks the picker chooses. */
    void fill(Peer p) {
        if (paused.getAsBoolean() || p.conn.isClosed() || !p.amInterested || p.bits == null) return;
        boolean choked = p.peerChoking;
        if (choked && p.allowedFast.isEmpty()) return;
        long now = System.nanoTime();
        int outstanding = picker.outstandingCount(p);
        int depth = p.pipeline.targetDepth(now);
        int room = depth - outstanding;
        // Top up in batches so each refill wakes the writer once for several requests.
        if (room <= 0 || (room < Math.min(8, depth / 4) && outstanding > 0)) return;
        List<BlockRequest> picked = picker.pickBlocks(p, p.hasAll ? allPieces : p.bits, room,
                choked ? p.allowedFastBits(pieceCount) : null);
        if (picked.isEmpty()) return;
        p.pipeline.onRequestsSent(outstanding, now);
        for (BlockRequest r : picked) {
            int piece = r.piece();
            if (buffers.get(piece) == null) buffers.open(piece, picker.pieceSize(piece), picker.blocksInPiece(piece));
            p.conn.send(new Request(piece, r.begin(), r.length()));
        }
    }

    void refillOthers(Peer except) {
        for (Peer q : peers) if (q != except) fill(q);
    }

    void refillAll() {
        for (Peer q : List.copyOf(peers)) fill(q);
    }

    /**
     * The peer choked us without the Fast extension, which silently discards our requests: they are free for
     * others. Blocks already in flight may still arrive, which is not a violation.
     */
    void onChokedWithoutFast(Peer p) {
        for (BlockRequest r : picker.cancelAll(p)) p.rememberCancelled(Blocks.key(r.piece(), r.begin()));
        refillOthers(p);
    }

    /** A RejectRequest (BEP 6): the block is free for others if we had asked this peer for it. */
    void onReject(Peer p, int piece, int begin) {
        if (picker.onRequestRejected(p, piece, begin)) refillOthers(p);
    }

    /**
     * Snubbed (owes blocks, sent none for the request timeout): cancel and hand its blocks to others; it keeps a
     * couple of probing requests, and may still deliver the cancelled ones (no violation then).
     */
    void checkSnubbed(Peer p, long now) {
        if (!p.pipeline.timedOut(picker.outstandingCount(p), now)) return;
        p.pipeline.onTimeout(now);
        for (BlockRequest r : picker.cancelAll(p)) {
            p.rememberCancelled(Blocks.key(r.piece(), r.begin()));
            p.conn.send(new Cancel(r.piece(), r.begin(), r.length()));
        }
        refillOthers(p);
    }

    // ---------------------------------------------------------------- piece payloads

    /**
     * A block's header arrived: the picker hands the block to this reader (and tells whom else we asked for it in
     * endgame, who get a Cancel), and the reader fills its slice of the piece buffer. Null: read and discard.
     */
    ByteBuffer blockTarget(Peer p, int piece, int begin, int length) throws WireViolation {
        if (picker.isRequested(p, piece, begin)) {
            int expected = picker.blockLength(piece, begin / PiecePicker.BLOCK_SIZE);
            if (length != expected) {
                throw new WireViolation("block " + piece + "/" + begin + " has " + length + " bytes, we asked for " + expected);
            }
            BlockResult r = picker.onBlockReceived(p, piece, begin);
            List<Object> others = r.cancelPeers();
            for (int i = 0; i < others.size(); i++) { // indexed: no iterator per block
                Peer q = (Peer) others.get(i);
                q.rememberCancelled(Blocks.key(piece, begin));
                q.conn.send(new Cancel(piece, begin, length));
            }
            PieceAssembly a = buffers.get(piece);
            if (r.kind() != BlockResult.Kind.NEW || a == null) return null;
            p.receiving = Blocks.key(piece, begin);
            p.receivingInto = a;
            return a.buffer.slice(begin, length);
        }
        return unrequested(p, piece, begin, length);
    }

    /** Before we are ready nothing was requested: only blocks we cancelled may still come. */
    static ByteBuffer unrequested(Peer p, int piece, int begin, int length) throws WireViolation {
        if (p.cancelled.remove(Blocks.key(piece, begin))) return null;
        throw new WireViolation("unrequested block " + piece + "/" + begin + "+" + length);
    }

    /**
     * The payload announced by the last {@link #blockTarget} is in. Returns the piece when this block completed
     * it (the caller hashes it), else null.
     */
    PieceAssembly blockDone(Peer p, int piece, int begin, int length) {
        p.pipeline.onBlock(length, System.nanoTime());
        PieceAssembly a = p.receivingInto;
        // the piece may have been dropped (pause) and started again since the header: then the bytes went nowhere useful
        boolean counts = a != null && p.receiving == Blocks.key(piece, begin) && buffers.get(piece) == a;
        p.receiving = -1;
        p.receivingInto = null;
        PieceAssembly complete = null;
        if (counts && a.blockDone(p, length)) {
            a.hashing = true;
            complete = a;
        }
        fill(p);
        return complete;
    }

    /** The peer's reader died mid-payload: the block it was filling is free again. */
    private void abortReceiving(Peer p) {
        PieceAssembly a = p.receivingInto;
        if (a != null && buffers.get(a.piece) == a) picker.onBlockAborted(a.piece, (int) p.receiving);
        p.receiving = -1;
        p.receivingInto = null;
    }

    /** The hash result is in; the buffer goes back to the pool. */
    void pieceDone(PieceAssembly a, boolean ok) {
        if (ok) picker.onPieceVerified(a.piece);
        else picker.onPieceFailed(a.piece);
        buffers.release(a);
    }

    /** Pause: pieces not yet handed to hashing are forgotten and picked afresh later. */
    void dropUnhashed() {
        for (int piece : buffers.dropUnhashed()) picker.abandonPiece(piece);
    }
}
