package io.btspeed.engine.torrent;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.pipeline.RequestPipeline;
import io.btspeed.core.rate.RateMeter;
import io.btspeed.engine.net.PeerConnection;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** Per-peer protocol state of one connection; guarded by the owning torrent's lock. */
final class Peer implements io.btspeed.engine.ext.PeerHandle {
    final PeerConnection conn;
    final boolean outgoing;
    /** Where the peer accepts connections (for PEX and de-duplication); null if unknown. */
    InetSocketAddress listenAddress;

    /** Haves that arrived before the torrent was ready (metadata or check pending); adopted into {@link #bits} then. */
    final BitSet earlyHaves = new BitSet();
    /** What the peer has, once the torrent is ready and its pieces are counted in the picker's availability. */
    Bitfield bits;
    boolean hasAll;
    /** Extensions were told this peer has every piece ({@code onPeerComplete}): once per connection. */
    boolean reportedComplete;
    /** A bitfield that arrived before we knew the piece count (magnet); checked once metadata is in. */
    byte[] pendingBitfield;

    boolean amChoking = true;
    boolean amInterested;
    boolean peerChoking = true;
    boolean peerInterested;
    boolean sentFirstMessage;

    /** Blocks we cancelled; the peer may still send them and that is not a violation. */
    final Set<Long> cancelled = new LinkedHashSet<>();
    private static final int MAX_CANCELLED = 8192;
    /** Block whose payload the reader is reading right now (granted by blockTarget), and the piece buffer it goes to. */
    long receiving = -1;
    PieceAssembly receivingInto;
    /** Pieces the peer lets us request while it chokes us; as a bitfield for the picker once the piece count is known. */
    final Set<Integer> allowedFast = new HashSet<>();
    private Bitfield allowedFastBits;
    /** Pieces we let the peer request while we choke it (BEP 6 allowed-fast set we computed for it). */
    final Set<Integer> allowedFastOut = new HashSet<>();
    /**
     * How many requests to keep out to this peer: enough for two seconds at its measured rate, at least 64 (a
     * peer that serves our queue in bursts would otherwise hold the rate, and so the depth, where it is), at most
     * 2000 and its reqq (250 until its extended handshake says otherwise).
     */
    final RequestPipeline pipeline;

    int metadataExtId;
    int pexExtId;
    long metadataSize = -1;
    /** Sent metadata that did not hash to the info-hash: never asked for metadata again. */
    boolean metadataExcluded;
    final Set<InetSocketAddress> pexSent = new HashSet<>();
    /** When we last sent this peer a PEX message; MIN_VALUE until the first, which goes out at the next tick
     *  (System.nanoTime() has an arbitrary origin, so "0" is not "long ago": on a freshly booted machine it is not). */
    long lastPexNanos = Long.MIN_VALUE;

    final TransferMeter up = new TransferMeter();
    int failedPieces;
    int soleFailedPieces;

    /** The peer's BEP 10 "m" dictionary (extension name to its message id); empty before its handshake. */
    volatile java.util.Map<String, Integer> remoteExtensions = java.util.Map.of();

    @Override
    public int key() {
        return key;
    }

    @Override
    public InetSocketAddress address() {
        return conn.remoteAddress();
    }

    @Override
    public boolean supports(String extensionName) {
        Integer id = remoteExtensions.get(extensionName);
        return id != null && id > 0;
    }

    @Override
    public void sendExtended(String extensionName, byte[] payload) {
        Integer id = remoteExtensions.get(extensionName);
        if (id != null && id > 0) conn.send(new io.btspeed.protocol.wire.Extended(id, payload));
    }

    @Override
    public void afterQueued(Runnable action) {
        conn.afterQueued(action);
    }

    @Override
    public void close(String reason) {
        conn.close();
    }

    /** Stable id of this connection for slot policies ({@link io.btspeed.core.choke.PeerStats#key()}). */
    final int key;
    final long connectedAtNanos = System.nanoTime();

    Peer(int key, PeerConnection conn, boolean outgoing, InetSocketAddress listenAddress, long requestTimeoutNanos) {
        this.key = key;
        this.conn = conn;
        this.outgoing = outgoing;
        this.listenAddress = listenAddress;
        this.pipeline = new RequestPipeline(io.btspeed.core.picker.PiecePicker.BLOCK_SIZE, 2_000_000_000L, 64, 2000,
                requestTimeoutNanos, new RateMeter());
        pipeline.setPeerReqq(250);
    }

    /** Records a piece the peer lets us fetch while choked; {@code pieceCount} is 0 before metadata. */
    void addAllowedFast(int piece, int pieceCount) {
        allowedFast.add(piece);
        if (allowedFastBits != null && piece < pieceCount) allowedFastBits.set(piece);
    }

    Bitfield allowedFastBits(int pieceCount) {
        if (allowedFastBits == null) {
            allowedFastBits = new Bitfield(pieceCount);
            for (int piece : allowedFast) if (piece < pieceCount) allowedFastBits.set(piece);
        }
        return allowedFastBits;
    }

    /** Remembers a cancelled block; the oldest are forgotten first (a peer owes nothing that old). */
    void rememberCancelled(long key) {
        cancelled.add(key);
        if (cancelled.size() > MAX_CANCELLED) {
            var it = cancelled.iterator();
            it.next();
            it.remove();
        }
    }

    boolean isSeed(int pieceCount) {
        return hasAll || (pieceCount > 0 && bits != null && bits.isComplete());
    }

    boolean hasPiece(int piece) {
        return hasAll || (bits != null && bits.get(piece));
    }

    @Override
    public String toString() {
        return conn.remoteAddress().toString();
    }
}
