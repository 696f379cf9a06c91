package io.btspeed.engine;

import io.btspeed.engine.torrent.Torrent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntSupplier;

/**
 * Connects torrents to their trackers (started / completed / stopped announces, peers fed to the
 * dialer). Until the tracker client package is part of the build this only records that trackers
 * were requested; peers then come from AddTorrentParams, magnet x.pe, addPeer and PEX.
 */
final class TrackerBridge {
    private static final Logger log = LoggerFactory.getLogger(TrackerBridge.class);

    TrackerBridge(byte[] peerId, IntSupplier listenPort) {
    }

    void start(Torrent t, AddTorrentParams p) {
        log.debug("{}: tracker announces are not wired yet", t.infoHash());
    }

    void stopAll() {
    }
}
