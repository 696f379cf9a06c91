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
 * @param directWrites            write verified pieces to disk with direct I/O, bypassing the page cache, where the
 *                                filesystem supports it (see {@link #withDirectWrites})
 */
public record SessionConfig(InetAddress bindAddress, int listenPort, byte[] peerId, long uploadLimitBytesPerSec,
                            long downloadLimitBytesPerSec, Path stateDir, int maxPeersPerTorrent,
                            boolean enableUploadWhenSeeding, int uploadSlots, boolean directWrites) {
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

    /** The settings without a word on disk writes: direct where the filesystem allows, as in {@link #defaults()}. */
    public SessionConfig(InetAddress bindAddress, int listenPort, byte[] peerId, long uploadLimitBytesPerSec,
                         long downloadLimitBytesPerSec, Path stateDir, int maxPeersPerTorrent,
                         boolean enableUploadWhenSeeding, int uploadSlots) {
        this(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent,
                enableUploadWhenSeeding, uploadSlots, true);
    }

    /** Loopback-only defaults: any port, generated peer id, no limits, no resume state, 50 peers, 4 slots, direct writes. */
    public static SessionConfig defaults() {
        return new SessionConfig(InetAddress.getLoopbackAddress(), 0, null, 0, 0, null, 50, true, 4, true);
    }

    public SessionConfig withBindAddress(InetAddress a) {
        return new SessionConfig(a, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    public SessionConfig withListenPort(int p) {
        return new SessionConfig(bindAddress, p, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    public SessionConfig withPeerId(byte[] id) {
        return new SessionConfig(bindAddress, listenPort, id, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    public SessionConfig withRateLimits(long up, long down) {
        return new SessionConfig(bindAddress, listenPort, peerId, up, down, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    public SessionConfig withStateDir(Path dir) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, dir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    public SessionConfig withMaxPeersPerTorrent(int n) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, n, enableUploadWhenSeeding, uploadSlots, directWrites);
    }

    /** Regular unchoke slots per torrent (the slot policy gets one more for the optimistic unchoke). */
    public SessionConfig withUploadSlots(int n) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, n, directWrites);
    }

    public SessionConfig withUploadWhenSeeding(boolean b) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, b, uploadSlots, directWrites);
    }

    /**
     * Direct writes (the default) take a verified piece from its buffer to the disk without copying it into the page
     * cache: less CPU per byte, and a large download does not push the rest of the machine's files out of the cache.
     * Where the filesystem has no direct I/O (tmpfs) or a file's bytes are not block-aligned, writes go through the
     * page cache anyway. {@code false} writes everything through the page cache, as most clients do; that suits slow
     * spinning disks better, where the kernel can sort the writes of randomly ordered pieces.
     */
    public SessionConfig withDirectWrites(boolean b) {
        return new SessionConfig(bindAddress, listenPort, peerId, uploadLimitBytesPerSec, downloadLimitBytesPerSec, stateDir, maxPeersPerTorrent, enableUploadWhenSeeding, uploadSlots, b);
    }
}
