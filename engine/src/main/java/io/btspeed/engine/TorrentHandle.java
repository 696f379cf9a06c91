package io.btspeed.engine;

import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A torrent inside a {@link Session}; all methods are thread-safe and never block on the network. */
public interface TorrentHandle {
    InfoHash infoHash();

    /** Null until the metadata is known (a magnet link before ut_metadata completed). */
    Metainfo metainfo();

    TorrentStatus status();

    /** Completes when every selected piece is verified (at once for a torrent that is already complete). */
    CompletableFuture<Void> completion();

    /** Disconnects every peer and stops announcing until {@link #resume()}. */
    void pause();

    void resume();

    void addPeer(InetSocketAddress address);

    /** Per-torrent limits in bytes per second (0 = unlimited), applied on top of the session-wide ones. */
    void setRateLimits(long uploadBytesPerSec, long downloadBytesPerSec);

    /** The torrent's trackers with their last result (empty when it has none or trackers are off). */
    default java.util.List<io.btspeed.engine.tracker.AnnounceSchedule.TrackerState> trackers() {
        return java.util.List.of();
    }

    /**
     * After the start-up check, one line saying how many pieces resume data let us trust and how
     * many had to be hashed again, e.g. "resume: 120 pieces trusted, 0 rechecked"; null before.
     */
    default String resumeSummary() {
        return null;
    }
}
