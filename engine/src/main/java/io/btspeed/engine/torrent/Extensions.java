package io.btspeed.engine.torrent;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.metainfo.InfoHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A torrent's BEP 10 extensions beyond ut_metadata and ut_pex (the market is one): their message ids in our
 * handshake, and the events they are told about. An extension failing on an event is logged and ignored, except
 * where the event is the peer's own doing (its handshake or message): a peer breaking an extension's rules is a
 * protocol violation like any other and ends the connection. Called under the torrent lock.
 */
final class Extensions {
    private static final Logger log = LoggerFactory.getLogger(Extensions.class);
    /** Our message id of the first extension; the i-th has FIRST_ID + i. */
    static final int FIRST_ID = 3;

    private final List<TorrentExtension> list;
    private final InfoHash infoHash;

    Extensions(List<TorrentExtension> list, InfoHash infoHash) {
        this.list = list;
        this.infoHash = infoHash;
    }

    /** Names our ids in the handshake's "m" and adds each extension's own handshake entry. */
    void describe(Map<String, Integer> m, BDict.Builder extra) {
        for (int i = 0; i < list.size(); i++) {
            var e = list.get(i);
            m.put(e.name(), FIRST_ID + i);
            var entry = e.handshakeEntry();
            if (entry != null) extra.put(e.name(), entry);
        }
    }

    /** Routes a message sent to one of our extension ids; false if the id is none of ours. */
    boolean deliver(Peer p, int id, byte[] payload) {
        if (id < FIRST_ID || id - FIRST_ID >= list.size()) return false;
        list.get(id - FIRST_ID).onMessage(p, payload);
        return true;
    }

    void handshake(Peer p, ExtendedHandshake hs) {
        for (var e : list) e.onHandshake(p, hs);
    }

    /** Calls every extension; one that throws is logged and skipped, so it cannot break the torrent or the others. */
    private void each(String event, java.util.function.Consumer<TorrentExtension> call) {
        for (var e : list) {
            try {
                call.accept(e);
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on {}: {}", infoHash, e.name(), event, ex.toString());
            }
        }
    }

    /** The peer speaks an extension that marks market peers (for the slot policy). */
    boolean speaksMarket(Peer q) {
        for (var e : list) if (e.marksMarketPeers() && q.supports(e.name())) return true;
        return false;
    }

    /** Some extension still has work on this connection (see {@link TorrentExtension#holdsConnection}). */
    boolean hold(Peer p) {
        for (var e : list) {
            try {
                if (e.holdsConnection(p)) return true;
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on a hold check: {}", infoHash, e.name(), ex.toString());
            }
        }
        return false;
    }

    void peerConnected(Peer p) {
        each("a new peer", e -> e.onPeerConnected(p));
    }

    void blockQueued(Peer p, int piece, int length) {
        for (int i = 0; i < list.size(); i++) list.get(i).onBlockQueued(p, piece, length);
    }

    /**
     * Before each block uploaded: true at once when the torrent has no extensions. This and
     * {@link #blockSent} run per block on the writer: indexed loops, no iterator or lambda, keep them
     * small for the JIT, which inlines them into the writer's loop.
     */
    boolean mayUpload(Peer p, int length) {
        for (int i = 0; i < list.size(); i++) {
            TorrentExtension e = list.get(i);
            try {
                if (!e.mayUpload(p, length)) return false;
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on an upload check: {}", infoHash, e.name(), ex.toString());
            }
        }
        return true;
    }

    boolean awaitUpload(Peer p, int length) {
        for (var e : list) {
            try {
                if (!e.mayUpload(p, length) && !e.awaitUpload(p, length)) return false;
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on an upload wait: {}", infoHash, e.name(), ex.toString());
            }
        }
        return true;
    }

    /** Once per block uploaded (see {@link #mayUpload}). */
    void blockSent(Peer p, int piece, int length) {
        for (int i = 0; i < list.size(); i++) {
            TorrentExtension e = list.get(i);
            try {
                e.onBlockSent(p, piece, length);
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on a sent block: {}", infoHash, e.name(), ex.toString());
            }
        }
    }

    void peerComplete(Peer p) {
        each("a complete peer", e -> e.onPeerComplete(p));
    }

    void peerClosed(Peer p) {
        each("a closed peer", e -> e.onPeerClosed(p));
    }

    void tick(long now) {
        each("tick", e -> e.onTick(now));
    }

    /** A piece passed its hash check (called on the hashing thread, outside the torrent's lock): who sent how many of its bytes. */
    void pieceVerified(PieceAssembly a) {
        if (list.isEmpty()) return;
        Map<PeerHandle, Long> byPeer = bytesByPeer(a);
        for (var e : list) {
            try {
                e.onPieceVerified(a.piece, a.size, byPeer);
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on piece {}: {}", infoHash, e.name(), a.piece, ex.toString());
            }
        }
    }

    /** A piece failed its hash check (called under the torrent's lock). */
    void pieceFailed(PieceAssembly a) {
        if (list.isEmpty()) return;
        var from = bytesByPeer(a).keySet();
        for (var e : list) {
            try {
                e.onPieceFailed(a.piece, from);
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on piece {}: {}", infoHash, e.name(), a.piece, ex.toString());
            }
        }
    }

    private static Map<PeerHandle, Long> bytesByPeer(PieceAssembly a) {
        Map<PeerHandle, Long> bytes = new LinkedHashMap<>();
        for (int i = 0; i < a.sourceCount(); i++) bytes.put(a.source(i), a.bytesFrom(i));
        return Collections.unmodifiableMap(bytes);
    }
}
