package io.btspeed.core.session;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.session.SessionAction.BlockReceived;
import io.btspeed.core.session.SessionAction.CanRequest;
import io.btspeed.core.session.SessionAction.CancelServe;
import io.btspeed.core.session.SessionAction.DhtPort;
import io.btspeed.core.session.SessionAction.Disconnect;
import io.btspeed.core.session.SessionAction.ExtendedReceived;
import io.btspeed.core.session.SessionAction.PeerBitfield;
import io.btspeed.core.session.SessionAction.PeerHave;
import io.btspeed.core.session.SessionAction.PeerHaveAll;
import io.btspeed.core.session.SessionAction.RequestDropped;
import io.btspeed.core.session.SessionAction.Send;
import io.btspeed.core.session.SessionAction.Serve;
import io.btspeed.protocol.wire.AllowedFast;
import io.btspeed.protocol.wire.BitfieldMsg;
import io.btspeed.protocol.wire.Cancel;
import io.btspeed.protocol.wire.Choke;
import io.btspeed.protocol.wire.Extended;
import io.btspeed.protocol.wire.Have;
import io.btspeed.protocol.wire.HaveAll;
import io.btspeed.protocol.wire.HaveNone;
import io.btspeed.protocol.wire.Interested;
import io.btspeed.protocol.wire.KeepAlive;
import io.btspeed.protocol.wire.NotInterested;
import io.btspeed.protocol.wire.PeerMessage;
import io.btspeed.protocol.wire.Piece;
import io.btspeed.protocol.wire.Port;
import io.btspeed.protocol.wire.RejectRequest;
import io.btspeed.protocol.wire.Request;
import io.btspeed.protocol.wire.SuggestPiece;
import io.btspeed.protocol.wire.Unchoke;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Protocol state of one connection after the handshake (BEP 3 + BEP 6 Fast). Fed decoded messages and local events,
 * it validates what the peer does and appends {@link SessionAction}s to a caller-owned list (reused by the runtime,
 * so no list is allocated per message). Once it has asked for a disconnect it ignores everything.
 */
public final class PeerSession {
    /** Largest request we serve; BEP 3 clients use 16 KiB, some ask up to 128 KiB, more is abuse. */
    public static final int MAX_REQUEST = 128 * 1024;
    /** Requests the peer may have queued at us before we call it a flood. */
    public static final int MAX_PEER_QUEUE = 4000;
    public static final long KEEPALIVE_NANOS = 90_000_000_000L;
    public static final long IDLE_TIMEOUT_NANOS = 180_000_000_000L;

    private final int pieceCount;
    private final int pieceLength;
    private final long totalLength;
    private final Bitfield ourHave;
    private final boolean fast;
    private final int maxUnrequested;

    private boolean amChoking = true;
    private boolean amInterested;
    private boolean peerChoking = true;
    private boolean peerInterested;
    private final Bitfield peerHas;
    private boolean peerHasAll;
    private final Bitfield allowedFastForUs;  // pieces the peer lets us request while choked
    private final Bitfield allowedFastForPeer; // pieces we let the peer request while choked

    private boolean gotFirstMessage;
    private boolean closed;
    private int unrequestedBlocks;
    private long lastReceivedNanos;
    private long lastSentNanos;

    /** key(piece, begin) → length, for requests we sent and requests the peer queued at us. */
    private final Map<Long, Integer> ours = new HashMap<>();
    private final Map<Long, Integer> theirs = new HashMap<>();

    public PeerSession(int pieceLength, long totalLength, Bitfield ourHave, boolean fastExtension, int maxUnrequested,
            long nowNanos) {
        this.pieceCount = ourHave.pieceCount();
        this.pieceLength = pieceLength;
        this.totalLength = totalLength;
        this.ourHave = ourHave.copy();
        this.fast = fastExtension;
        this.maxUnrequested = maxUnrequested;
        this.peerHas = new Bitfield(pieceCount);
        this.allowedFastForUs = new Bitfield(pieceCount);
        this.allowedFastForPeer = new Bitfield(pieceCount);
        this.lastReceivedNanos = nowNanos;
        this.lastSentNanos = nowNanos;
    }

    /** The opening message after the handshake: Bitfield, or HaveAll/HaveNone with the Fast extension. */
    public void start(long nowNanos, List<SessionAction> out) {
        if (fast && ourHave.isComplete()) send(new HaveAll(), nowNanos, out);
        else if (fast && ourHave.isEmpty()) send(new HaveNone(), nowNanos, out);
        else if (!ourHave.isEmpty()) send(new BitfieldMsg(ourHave.toBytes()), nowNanos, out);
    }

    public void onMessage(PeerMessage m, long nowNanos, List<SessionAction> out) {
        if (closed) return;
        lastReceivedNanos = nowNanos;
        boolean first = !gotFirstMessage;
        // some clients send their BEP 10 handshake before the bitfield; neither it nor a keep-alive ends the opening
        if (!(m instanceof KeepAlive) && !(m instanceof Extended)) gotFirstMessage = true;
        switch (m) {
            case KeepAlive k -> { }
            case Choke c -> onChoke(out);
            case Unchoke u -> {
                peerChoking = false;
                out.add(new CanRequest());
            }
            case Interested i -> peerInterested = true;
            case NotInterested n -> peerInterested = false;
            case Have h -> {
                if (badIndex(h.piece(), "have", out)) return;
                if (peerHas.set(h.piece())) {
                    out.add(new PeerHave(h.piece()));
                    if (!ourHave.get(h.piece())) updateInterest(nowNanos, out);
                }
            }
            case BitfieldMsg b -> {
                if (!first) { disconnect("bitfield not the first message", out); return; }
                Bitfield bits;
                try {
                    bits = Bitfield.fromBytes(b.bits(), pieceCount);
                } catch (IllegalArgumentException e) {
                    disconnect("bad bitfield: " + e.getMessage(), out);
                    return;
                }
                peerHas.or(bits);
                out.add(new PeerBitfield(bits));
                updateInterest(nowNanos, out);
            }
            case HaveAll h -> {
                if (!fast) { disconnect("HaveAll without the Fast extension", out); return; }
                if (!first) { disconnect("HaveAll not the first message", out); return; }
                peerHas.setAll();
                peerHasAll = true;
                out.add(new PeerHaveAll());
                updateInterest(nowNanos, out);
            }
            case HaveNone h -> {
                if (!fast) { disconnect("HaveNone without the Fast extension", out); return; }
                if (!first) disconnect("HaveNone not the first message", out);
            }
            case Request r -> onRequest(r.piece(), r.begin(), r.length(), nowNanos, out);
            case Piece p -> onPiece(p, out);
            case Cancel c -> {
                if (theirs.remove(key(c.piece(), c.begin())) != null) out.add(new CancelServe(c.piece(), c.begin(), c.length()));
            }
            case Port p -> out.add(new DhtPort(p.port()));
            case SuggestPiece s -> {
                if (!fast) { disconnect("SuggestPiece without the Fast extension", out); return; }
                badIndex(s.piece(), "suggest", out); // advisory only: rarest-first already decides
            }
            case RejectRequest r -> {
                if (!fast) { disconnect("RejectRequest without the Fast extension", out); return; }
                Integer len = ours.remove(key(r.piece(), r.begin()));
                if (len == null || len != r.length()) {
                    if (len != null) ours.put(key(r.piece(), r.begin()), len);
                    countUnrequested("reject for a block we did not request", out);
                    return;
                }
                out.add(new RequestDropped(r.piece(), r.begin(), r.length()));
            }
            case AllowedFast a -> {
                if (!fast) { disconnect("AllowedFast without the Fast extension", out); return; }
                if (badIndex(a.piece(), "allowed-fast", out)) return;
                if (allowedFastForUs.set(a.piece()) && peerChoking && !ourHave.get(a.piece())) out.add(new CanRequest());
            }
            case Extended e -> out.add(new ExtendedReceived(e.extId(), e.payload()));
        }
    }

    private void onChoke(List<SessionAction> out) {
        peerChoking = true;
        // BEP 3: a choke discards our pending requests. With Fast, the peer must reject each one explicitly instead.
        if (!fast) {
            for (Map.Entry<Long, Integer> e : ours.entrySet()) {
                long k = e.getKey();
                out.add(new RequestDropped((int) (k >>> 32), (int) k, e.getValue()));
            }
            ours.clear();
        }
    }

    private void onRequest(int piece, int begin, int length, long nowNanos, List<SessionAction> out) {
        if (badIndex(piece, "request", out)) return;
        if (length <= 0 || length > MAX_REQUEST) { disconnect("request length " + length + " out of range", out); return; }
        if (begin < 0 || (long) begin + length > pieceSize(piece)) {
            disconnect("request " + begin + "+" + length + " beyond piece " + piece, out);
            return;
        }
        if (!ourHave.get(piece)) {
            if (fast) send(new RejectRequest(piece, begin, length), nowNanos, out);
            else disconnect("request for piece " + piece + " we do not have", out);
            return;
        }
        if (amChoking && !allowedFastForPeer.get(piece)) {
            // BEP 3 says ignore; BEP 6 requires an explicit reject
            if (fast) send(new RejectRequest(piece, begin, length), nowNanos, out);
            return;
        }
        if (theirs.size() >= MAX_PEER_QUEUE) { disconnect("request flood (" + theirs.size() + " queued)", out); return; }
        if (theirs.putIfAbsent(key(piece, begin), length) == null) out.add(new Serve(piece, begin, length));
    }

    private void onPiece(Piece p, List<SessionAction> out) {
        long k = key(p.piece(), p.begin());
        Integer len = ours.get(k);
        if (len == null || len != p.data().remaining()) {
            countUnrequested("unrequested block " + p.piece() + "/" + p.begin(), out);
            return;
        }
        ours.remove(k);
        out.add(new BlockReceived(p.piece(), p.begin(), p.data()));
    }

    // ---- local events ----

    /** Sends these requests (from the picker) and remembers them so arriving blocks can be checked. */
    public void request(List<BlockRequest> blocks, long nowNanos, List<SessionAction> out) {
        if (closed) return;
        for (BlockRequest b : blocks) {
            if (peerChoking && !allowedFastForUs.get(b.piece())) {
                throw new IllegalStateException("requesting piece " + b.piece() + " while choked and not allowed-fast");
            }
            ours.put(key(b.piece(), b.begin()), b.length());
            send(new Request(b.piece(), b.begin(), b.length()), nowNanos, out);
        }
    }

    /** Endgame: the block came from someone else. */
    public void cancel(int piece, int begin, int length, long nowNanos, List<SessionAction> out) {
        if (closed) return;
        if (ours.remove(key(piece, begin)) != null) send(new io.btspeed.protocol.wire.Cancel(piece, begin, length), nowNanos, out);
    }

    /** The runtime wrote the piece message for a Serve. */
    public void onBlockSent(int piece, int begin, long nowNanos) {
        theirs.remove(key(piece, begin));
        lastSentNanos = nowNanos;
    }

    /** We verified a piece: announce it and maybe lose interest. */
    public void weHave(int piece, long nowNanos, List<SessionAction> out) {
        if (!ourHave.set(piece) || closed) return;
        send(new Have(piece), nowNanos, out);
        updateInterest(nowNanos, out);
    }

    /** The choker's decision for this peer. */
    public void setChoked(boolean choke, long nowNanos, List<SessionAction> out) {
        if (closed || choke == amChoking) return;
        amChoking = choke;
        send(choke ? new Choke() : new Unchoke(), nowNanos, out);
        if (choke) {
            for (Map.Entry<Long, Integer> e : theirs.entrySet()) {
                long k = e.getKey();
                int piece = (int) (k >>> 32);
                if (allowedFastForPeer.get(piece)) continue;
                out.add(new CancelServe(piece, (int) k, e.getValue()));
                if (fast) send(new RejectRequest(piece, (int) k, e.getValue()), nowNanos, out);
            }
            theirs.entrySet().removeIf(e -> !allowedFastForPeer.get((int) (e.getKey() >>> 32)));
        }
    }

    /** Grants the peer an allowed-fast piece (BEP 6); the set itself is computed by the caller. */
    public void allowFast(int piece, long nowNanos, List<SessionAction> out) {
        if (closed || !fast || !allowedFastForPeer.set(piece)) return;
        send(new AllowedFast(piece), nowNanos, out);
    }

    /** Keep-alives and the idle timeout. */
    public void tick(long nowNanos, List<SessionAction> out) {
        if (closed) return;
        if (nowNanos - lastReceivedNanos >= IDLE_TIMEOUT_NANOS) { disconnect("idle for too long", out); return; }
        if (nowNanos - lastSentNanos >= KEEPALIVE_NANOS) send(new KeepAlive(), nowNanos, out);
    }

    public void close() { closed = true; }

    // ---- state for the runtime / picker ----

    public boolean amChoking() { return amChoking; }
    public boolean amInterested() { return amInterested; }
    public boolean peerChoking() { return peerChoking; }
    public boolean peerInterested() { return peerInterested; }
    public boolean peerHasAll() { return peerHasAll; }
    public boolean isClosed() { return closed; }
    /** Live view: do not modify. */
    public Bitfield peerHas() { return peerHas; }
    /** Pieces we may request while choked, or null when unchoked (the picker's allowedFast argument). */
    public Bitfield requestablePiecesWhileChoked() { return peerChoking ? allowedFastForUs : null; }
    public int outstandingRequests() { return ours.size(); }
    public int queuedUploads() { return theirs.size(); }

    // ---- helpers ----

    private void updateInterest(long nowNanos, List<SessionAction> out) {
        boolean want = ourHave.hasAnyMissingFrom(peerHas);
        if (want != amInterested) {
            amInterested = want;
            send(want ? new Interested() : new NotInterested(), nowNanos, out);
        }
    }

    private void countUnrequested(String what, List<SessionAction> out) {
        // endgame cancels race with data already on the wire, so a few are normal
        if (++unrequestedBlocks > maxUnrequested) disconnect(what + " (" + unrequestedBlocks + " unrequested)", out);
    }

    private boolean badIndex(int piece, String what, List<SessionAction> out) {
        if (piece >= 0 && piece < pieceCount) return false;
        disconnect(what + " for piece " + piece + " out of range [0, " + pieceCount + ")", out);
        return true;
    }

    private int pieceSize(int piece) { return (int) Math.min(pieceLength, totalLength - (long) piece * pieceLength); }

    private void send(PeerMessage m, long nowNanos, List<SessionAction> out) {
        lastSentNanos = nowNanos;
        out.add(new Send(m));
    }

    private void disconnect(String reason, List<SessionAction> out) {
        closed = true;
        out.add(new Disconnect(reason));
    }

    private static long key(int piece, int begin) { return ((long) piece << 32) | (begin & 0xFFFFFFFFL); }
}
