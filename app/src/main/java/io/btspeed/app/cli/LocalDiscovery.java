package io.btspeed.app.cli;

import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.lsd.LocalServiceDiscovery;
import java.io.IOException;

/**
 * Local Service Discovery for the torrent of a download or seed: announces it on the LAN and hands
 * every local peer found to the torrent, as if given with --peer. LSD is a convenience: when the
 * machine has no multicast-capable interface the run goes on without it, with one line saying so.
 */
final class LocalDiscovery implements AutoCloseable {
    private final LocalServiceDiscovery lsd;

    private LocalDiscovery(LocalServiceDiscovery lsd) {
        this.lsd = lsd;
    }

    /** Null when discovery could not start or must not be used (the reason is printed). */
    static LocalDiscovery start(TorrentHandle handle, int listenPort, Progress progress) {
        if (isPrivate(handle)) {
            progress.message("local discovery off: private torrent (BEP 27: peers only from its trackers)");
            return null;
        }
        try {
            LocalServiceDiscovery[] self = new LocalServiceDiscovery[1];
            LocalServiceDiscovery lsd = LocalServiceDiscovery.start(LocalServiceDiscovery.Config.defaults(), listenPort,
                    (infoHash, peer) -> {
                        if (!infoHash.equals(handle.infoHash())) return;
                        // a magnet's metadata may turn out private only after discovery started
                        if (isPrivate(handle)) {
                            if (self[0] != null) self[0].remove(infoHash);
                            return;
                        }
                        handle.addPeer(peer);
                    });
            self[0] = lsd;
            lsd.add(handle.infoHash());
            progress.message("local discovery on " + String.join("; ", lsd.describe()));
            return new LocalDiscovery(lsd);
        } catch (IOException e) {
            progress.message("local discovery off: " + e.getMessage());
            return null;
        }
    }

    private static boolean isPrivate(TorrentHandle handle) {
        return handle.metainfo() != null && handle.metainfo().isPrivate();
    }

    @Override
    public void close() throws InterruptedException {
        lsd.close();
    }
}
