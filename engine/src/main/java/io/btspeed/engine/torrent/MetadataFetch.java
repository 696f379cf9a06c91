package io.btspeed.engine.torrent;

import io.btspeed.protocol.ext.MetadataMessage;
import io.btspeed.protocol.metainfo.InfoHash;

import java.util.Arrays;

/**
 * Collects the info dictionary from peers in 16 KiB pieces (BEP 9) for a torrent added by magnet
 * link. The result is only accepted if its SHA-1 equals the info-hash; otherwise everything is
 * discarded and fetched again. Guarded by the torrent lock.
 */
final class MetadataFetch {
    private static final int PIECE = MetadataMessage.PIECE_SIZE;
    /** Refuse absurd sizes a hostile peer could announce to make us allocate. */
    static final long MAX_SIZE = 32L << 20;
    private static final long REQUEST_TIMEOUT_NANOS = 10_000_000_000L;

    /** An attempt that made no progress this long is handed to another peer. */
    private static final long STALL_NANOS = 15_000_000_000L;

    private final InfoHash infoHash;
    /**
     * One attempt is fetched from one peer, so bad bytes can be pinned on their sender: a mismatch
     * then excludes exactly that peer instead of every peer that happened to contribute a piece.
     */
    private Object owner;
    private long lastProgress;
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

    /** Next piece to ask {@code peer} for (none requested recently and not yet received), or -1. */
    int nextRequest(Object peer, long now) {
        if (data == null) return -1;
        if (owner != null && owner != peer) {
            if (now - lastProgress < STALL_NANOS) return -1;
            java.util.Arrays.fill(requestedAt, 0); // the owner stalled: take its attempt over
        }
        if (owner != peer) {
            owner = peer;
            lastProgress = now;
        }
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

    /** The owner went away: let the next peer take over at once. */
    void dropped(Object peer) {
        if (owner == peer && data != null) {
            owner = null;
            if (requestedAt != null) Arrays.fill(requestedAt, 0);
        }
    }

    /** Outcome of one metadata piece: still collecting, done (verified bytes), or the owner sent wrong data. */
    sealed interface Outcome permits Pending, Complete, Mismatch {}

    record Pending() implements Outcome {}

    record Complete(byte[] info) implements Outcome {}

    record Mismatch(Object culprit) implements Outcome {}

    /** Accepts one piece from {@code from}; the whole dictionary is checked against the info-hash when the last piece arrives. */
    Outcome accept(Object from, int piece, int totalSize, byte[] bytes, long now) {
        if (data == null || from != owner || totalSize != data.length || piece < 0 || piece >= received.length) return new Pending();
        int expected = Math.min(PIECE, data.length - piece * PIECE);
        if (bytes.length != expected || received[piece]) return new Pending();
        System.arraycopy(bytes, 0, data, piece * PIECE, expected);
        received[piece] = true;
        lastProgress = now;
        for (boolean r : received) if (!r) return new Pending();
        if (InfoHash.of(data).equals(infoHash)) return new Complete(data);
        // The owner sent bytes that do not hash to the info-hash: start over with somebody else.
        // Its announced size may have been a lie too: the next peer's announcement is taken afresh.
        Object culprit = owner;
        owner = null;
        data = null;
        received = null;
        requestedAt = null;
        return new Mismatch(culprit);
    }
}
