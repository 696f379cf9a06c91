package io.btspeed.engine.ext;

import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.ext.ExtendedHandshake;
import java.util.Map;
import java.util.Set;

/**
 * A BEP 10 extension plugged into one torrent (the bandwidth market is one). The torrent registers
 * {@link #name()} in its extended handshake, routes the peer's messages for that name here and
 * tells it about pieces and peers. Calls come from the torrent's threads, some while it holds its
 * lock: implementations must be quick, must not block, and may send with {@link PeerHandle}.
 */
public interface TorrentExtension {
    /** The extension's name in the handshake's "m" dictionary, e.g. "bt_speed". */
    String name();

    /** A value to put under {@link #name()} in our extended handshake (null for none). */
    default BValue handshakeEntry() {
        return null;
    }

    /** Peers whose handshake names this extension count as market peers for the slot policy. */
    default boolean marksMarketPeers() {
        return false;
    }

    /** A connection joined the torrent (its extended handshake, if any, comes later). */
    default void onPeerConnected(PeerHandle peer) {}

    /** The peer's extended handshake arrived (whether or not it names this extension). */
    default void onHandshake(PeerHandle peer, ExtendedHandshake handshake) {}

    /** A message for this extension from the peer. Throwing ends the connection as a protocol violation. */
    default void onMessage(PeerHandle peer, byte[] payload) {}

    /** A piece passed its hash check; {@code from} are the peers whose blocks it was made of. */
    default void onPieceVerified(int piece, int size, Set<PeerHandle> from) {}

    /**
     * A piece passed its hash check, with the bytes of it each peer sent (they add up to {@code size}; what a
     * peer sent of a piece that failed, or sent twice, is not in it). The default hands the peers to
     * {@link #onPieceVerified(int, int, Set)}; override this one to pay or credit by bytes. Called on a hashing
     * thread right after the check, before the piece is written and announced (so possibly from two threads at
     * once, and not under the torrent's lock): anything costly (a signature) still belongs on a thread of the
     * extension's own, with {@link #holdsConnection} true until it is done.
     */
    default void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        onPieceVerified(piece, size, bytesByPeer.keySet());
    }

    /** A piece failed its hash check (nobody should be paid for it). */
    default void onPieceFailed(int piece, Set<PeerHandle> from) {}

    /**
     * We queued a block of {@code length} bytes for the peer (it asked and we serve it). A queued
     * block may still be dropped (we choke the peer, it cancels): bill with {@link #onBlockSent}.
     */
    default void onBlockQueued(PeerHandle peer, int piece, int length) {}

    /**
     * The peer's writer is about to send it a block of {@code length} bytes: false holds the block,
     * and {@link #awaitUpload} is called once everything queued before it reached the socket. Called
     * on the connection's writer thread for every block: answer quickly.
     */
    default boolean mayUpload(PeerHandle peer, int length) {
        return true;
    }

    /**
     * A block {@link #mayUpload} held: wait, bounded (the peer's other messages wait too), until it
     * may go. False drops it; a peer that speaks the Fast extension is sent a reject for it.
     */
    default boolean awaitUpload(PeerHandle peer, int length) {
        return true;
    }

    /** A block of {@code length} bytes left for the peer (written to its socket). Called on the connection's writer thread. */
    default void onBlockSent(PeerHandle peer, int piece, int length) {}

    /**
     * Work is still owed on this connection (a payment waiting for a new channel, say): when the
     * download completes, a connection to a seed is kept open while an extension holds it, for at
     * most 30 s, instead of being closed at once; and when the torrent closes, it waits up to 5 s
     * for every hold to end. Asked under the torrent's lock: answer quickly.
     */
    default boolean holdsConnection(PeerHandle peer) {
        return false;
    }

    /**
     * The peer has every piece (from its bitfield, have-all or its last have), noticed at the next tick
     * after it happened; once per connection, under the torrent's lock: answer quickly.
     */
    default void onPeerComplete(PeerHandle peer) {}

    /** The connection is gone. */
    default void onPeerClosed(PeerHandle peer) {}

    /** Once a second. */
    default void onTick(long nowNanos) {}
}
