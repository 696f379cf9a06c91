package io.btspeed.engine;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * Session-wide settings.
 *
 * @param listenPort              0 lets the OS choose; read the result from {@link Session#listenPort()}
 * @param peerId                  20 bytes, or null for "-BS0100-" followed by 12 random characters
 * @param uploadLimitBytesPerSec  0 = unlimited, shared by all torrents
 * @param stateDir                where resume files live; null keeps no resume state
 * @param enableUploadWhenSeeding false stops serving pieces once a torrent is complete
 * @param uploadSlots             regular unchoke slots per torrent (the optimistic one comes on top)
 */
public record SessionConfig(InetAddress bindAddress, int listenPort, byte[] peerId, long uploadLimitBytesPerSec,
                            long downloadLimitBytesPerSec, Path stateDir, int maxPeersPerTorrent,
                            boolean enableUploadWhenSeeding, int uploadSlots) {
    public SessionConfig {
        if (peerId != null && peerId.length != 20) {
            throw new IllegalArgumentException("peer id must be 20 bytes, got " + peerId.length);
        }
        if (listenPort < 0 || listenPort > 65535) throw new IllegalArgumentException("bad listen port " + listenPort);
        if (uploadLimitBytesPerSec < 0 || downloadLimitBytesPerSec < 0) throw new IllegalArgumentException("negative rate limit");
        if (maxPeersPerTorrent <= 0) throw new IllegalArgumentException("maxPeersPerTorrent must be positive");
        if (uploadSlots <= 0) throw new IllegalArgumentException("uploadSlots must be positive");
        peerId = peerId == null ? null : peerId.clone();
    }

    /** Loopback-only defaults: any port, generated peer id, no limits, no resume state, 50 peers, 4 slots. */
    public static SessionConfig defaults() {
        return new SessionConfig(InetAddress.getLoopbackAddress(), 0, null, 0, 0, null, 50, true, 4);
    }

    public SessionConfig withBindAddress(InetAddress a) {
        return new SessionConfig(a, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots);
    }

    public SessionConfig withListenPort(int p) {
        return new SessionConfig(bindAddress, p, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots);
    }

    public SessionConfig withPeerId(byte[] id) {
        return new SessionConfig(bindAddress, listenPort, id, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots);
    }

    public SessionConfig withRateLimits(long up, long down) {
        return new SessionConfig(bindAddress, listenPort, peerId, up, down, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots);
    }

    public SessionConfig withStateDir(Path dir) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, dir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots);
    }

    public SessionConfig withMaxPeersPerTorrent(int n) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, n, enableUploadWhenSeeding, uploadSlots);
    }

    /** Regular unchoke slots per torrent (the slot policy gets one more for the optimistic unchoke). */
    public SessionConfig withUploadSlots(int n) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, n);
    }

    public SessionConfig withUploadWhenSeeding(boolean b) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, b, uploadSlots);
    }
}
