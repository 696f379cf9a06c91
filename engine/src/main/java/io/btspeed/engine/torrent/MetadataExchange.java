package io.btspeed.engine.torrent;

import io.btspeed.protocol.ext.MetadataCodec;
import io.btspeed.protocol.ext.MetadataData;
import io.btspeed.protocol.ext.MetadataMessage;
import io.btspeed.protocol.ext.MetadataReject;
import io.btspeed.protocol.ext.MetadataRequest;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.Extended;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * BEP 9 (ut_metadata): serving our info dictionary to peers, and for a torrent added by magnet link fetching it
 * from them ({@link MetadataFetch} decides what to ask whom). Guarded by the torrent lock.
 */
final class MetadataExchange {
    private static final Logger log = LoggerFactory.getLogger(MetadataExchange.class);

    private final InfoHash infoHash;
    /** Non-null while we still lack the metadata. */
    private MetadataFetch fetch;

    MetadataExchange(InfoHash infoHash, boolean fetching) {
        this.infoHash = infoHash;
        this.fetch = fetching ? new MetadataFetch(infoHash) : null;
    }

    boolean fetching() {
        return fetch != null;
    }

    /**
     * A ut_metadata message from the peer. Returns the complete, hash-checked info dictionary once the last
     * piece is in (and stops fetching), else null.
     */
    byte[] onMessage(Peer p, byte[] payload, Metainfo mi, List<Peer> peers) {
        MetadataMessage mm = MetadataCodec.decode(payload);
        switch (mm) {
            case MetadataRequest(int piece) -> serve(p, mi, piece);
            case MetadataData(int piece, int total, byte[] data) -> {
                if (fetch == null) return null;
                switch (fetch.accept(p, piece, total, data, System.nanoTime())) {
                    case MetadataFetch.Complete(byte[] info) -> {
                        fetch = null;
                        return info;
                    }
                    case MetadataFetch.Mismatch(Object culprit) -> {
                        ((Peer) culprit).metadataExcluded = true;
                        log.info("{}: metadata from {} does not match the info-hash", infoHash, culprit);
                        for (Peer q : peers) request(q);
                    }
                    case MetadataFetch.Pending x -> request(p);
                }
            }
            case MetadataReject(int piece) -> {
                if (fetch != null) fetch.rejected(piece);
            }
        }
        return null;
    }

    private void serve(Peer p, Metainfo mi, int piece) {
        if (p.metadataExtId == 0) return;
        byte[] raw = mi == null ? null : mi.rawInfo();
        MetadataMessage reply;
        if (raw == null || piece < 0 || (long) piece * MetadataMessage.PIECE_SIZE >= raw.length) {
            reply = new MetadataReject(piece);
        } else {
            int from = piece * MetadataMessage.PIECE_SIZE;
            reply = new MetadataData(piece, raw.length, Arrays.copyOfRange(raw, from, Math.min(raw.length, from + MetadataMessage.PIECE_SIZE)));
        }
        p.conn.send(new Extended(p.metadataExtId, MetadataCodec.encode(reply)));
    }

    /** Asks the peer for the next metadata piece, if we are fetching and it can serve the size we expect. */
    void request(Peer p) {
        if (fetch == null || p.metadataExtId == 0 || p.metadataExcluded) return;
        if (!fetch.sized()) fetch.offerSize(p.metadataSize);
        if (fetch.size() != p.metadataSize) return;
        int piece = fetch.nextRequest(p, System.nanoTime());
        if (piece >= 0) p.conn.send(new Extended(p.metadataExtId, MetadataCodec.encode(new MetadataRequest(piece))));
    }

    /** The peer left: what it owed is asked of the others. */
    void peerClosed(Peer p, List<Peer> peers) {
        if (fetch == null) return;
        fetch.dropped(p);
        for (Peer q : peers) request(q);
    }
}
