package io.btspeed.engine.tracker;

import io.btspeed.protocol.metainfo.InfoHash;
import java.util.Objects;

/**
 * What we tell a tracker about ourselves for one torrent. {@code numWant} &lt; 0 lets the tracker
 * choose; {@code key} is a per-session random number (BEP 7) that lets a tracker recognise us when our
 * address changes.
 */
public record AnnounceRequest(InfoHash infoHash, byte[] peerId, int port, long uploaded, long downloaded, long left,
                              AnnounceEvent event, int numWant, int key) {
    public AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(event, "event");
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer id must be 20 bytes");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("transfer counters must not be negative");
        }
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    /** The same request with another event (the stopped announce reuses the last counters). */
    public AnnounceRequest withEvent(AnnounceEvent e) {
        return new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left, e, numWant, key);
    }
}
