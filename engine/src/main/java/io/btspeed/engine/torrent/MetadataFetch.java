package io.btspeed.engine.torrent;

import io.btspeed.protocol.metainfo.InfoHash;

import java.util.Arrays;

/**
 * Collects the info dictionary from peers in 16 KiB pieces (BEP 9) for a torrent added by magnet
 * link. The result is only accepted if its SHA-1 equals the info-hash; otherwise everything is
 * discarded and fetched again. Guarded by the torrent lock.
 */
final class MetadataFetch {
    static final int PIECE = 16 * 1024;
    /** Refuse absurd sizes a hostile peer could announce to make us allocate. */
    static final long MAX_SIZE = 32L << 20;
    private static final long REQUEST_TIMEOUT_NANOS = 10_000_000_000L;

    private final InfoHash infoHash;
    private byte[] data;
    private boolean[] received;
    private long[] requestedAt;

    MetadataFetch(InfoHash infoHash) {
        this.infoHash = infoHash;
    }

    boolean sized() {
        return data != null;
    }

    /** Adopts the size a peer announced in its extended handshake (first plausible one wins). */
    boolean offerSize(long size) {
        if (data != null || size <= 0 || size > MAX_SIZE) return data != null && data.length == size;
        data = new byte[(int) size];
        int n = (int) ((size + PIECE - 1) / PIECE);
        received = new boolean[n];
        requestedAt = new long[n];
        return true;
    }

    int size() {
        return data == null ? -1 : data.length;
    }

    /** Next piece to ask for (none requested recently and not yet received), or -1. */
    int nextRequest(long now) {
        if (data == null) return -1;
        for (int i = 0; i < received.length; i++) {
            if (!received[i] && (requestedAt[i] == 0 || now - requestedAt[i] > REQUEST_TIMEOUT_NANOS)) {
                requestedAt[i] = now;
                return i;
            }
        }
        return -1;
    }

    void rejected(int piece) {
        if (data != null && piece >= 0 && piece < requestedAt.length) requestedAt[piece] = 0;
    }

    /** Accepts one piece; returns the verified info dictionary when the last one arrives, else null. */
    byte[] accept(int piece, int totalSize, byte[] bytes) {
        if (data == null || totalSize != data.length || piece < 0 || piece >= received.length) return null;
        int expected = Math.min(PIECE, data.length - piece * PIECE);
        if (bytes.length != expected || received[piece]) return null;
        System.arraycopy(bytes, 0, data, piece * PIECE, expected);
        received[piece] = true;
        for (boolean r : received) if (!r) return null;
        if (InfoHash.of(data).equals(infoHash)) return data;
        // Somebody sent wrong bytes: start over (rather than trust any of them).
        Arrays.fill(received, false);
        Arrays.fill(requestedAt, 0);
        return null;
    }
}
