package io.btspeed.engine.torrent;

import io.btspeed.engine.net.PeerConnection;
import io.btspeed.engine.net.RateMeter;

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

    final BitSet has = new BitSet();
    boolean hasAll;
    /** A bitfield that arrived before we knew the piece count (magnet); checked once metadata is in. */
    byte[] pendingBitfield;

    boolean amChoking = true;
    boolean amInterested;
    boolean peerChoking = true;
    boolean peerInterested;
    boolean sentFirstMessage;

    /** Blocks requested from this peer and not yet answered. */
    final Set<Long> outstanding = new LinkedHashSet<>();
    /** Blocks we cancelled; the peer may still send them and that is not a violation. */
    final Set<Long> cancelled = new LinkedHashSet<>();
    private static final int MAX_CANCELLED = 8192;
    /** Block whose payload the reader is reading right now (granted by blockTarget). */
    long receiving = -1;
    /** Pieces the peer lets us request while it chokes us. */
    final Set<Integer> allowedFast = new HashSet<>();
    /** Pieces we let the peer request while we choke it (BEP 6 allowed-fast set we computed for it). */
    final Set<Integer> allowedFastOut = new HashSet<>();
    int depth = 64;
    int peerMaxRequests = 250;
    long lastBlockNanos = System.nanoTime();
    boolean snubbed;
    int queuedUploads;

    int metadataExtId;
    int pexExtId;
    long metadataSize = -1;
    /** Sent metadata that did not hash to the info-hash: never asked for metadata again. */
    boolean metadataExcluded;
    final Set<InetSocketAddress> pexSent = new HashSet<>();
    long lastPexNanos;

    final RateMeter down = new RateMeter();
    final RateMeter up = new RateMeter();
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
    public void close(String reason) {
        conn.close();
    }

    /** Stable id of this connection for slot policies ({@link io.btspeed.core.choke.PeerStats#key()}). */
    final int key;
    final long connectedAtNanos = System.nanoTime();

    Peer(int key, PeerConnection conn, boolean outgoing, InetSocketAddress listenAddress) {
        this.key = key;
        this.conn = conn;
        this.outgoing = outgoing;
        this.listenAddress = listenAddress;
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
        return hasAll || (pieceCount > 0 && has.cardinality() >= pieceCount);
    }

    boolean hasPiece(int piece) {
        return hasAll || has.get(piece);
    }

    @Override
    public String toString() {
        return conn.remoteAddress().toString();
    }
}
