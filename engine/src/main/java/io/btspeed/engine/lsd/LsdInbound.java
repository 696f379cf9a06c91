package io.btspeed.engine.lsd;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admission of peers learned from announces, sans I/O. Hostile or chatty senders on the LAN must
 * not make us dial the same peer over and over or keep unbounded state: a (torrent, peer) pair is
 * reported once per {@code repeatMillis}, the memory of pairs is a bounded LRU, and at most
 * {@code perSecond} datagrams per second are processed at all (the rest are dropped). Not thread-safe.
 */
public final class LsdInbound {
    private record Seen(InfoHash infoHash, InetSocketAddress peer) {}

    private final long repeatMillis;
    private final int perSecond;
    private final int capacity;
    private final Map<Seen, Long> seen;
    private long windowStart = Long.MIN_VALUE;
    private int inWindow;

    public LsdInbound(long repeatMillis, int perSecond, int capacity) {
        this.repeatMillis = repeatMillis;
        this.perSecond = perSecond;
        this.capacity = capacity;
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Seen, Long> eldest) {
                return size() > LsdInbound.this.capacity;
            }
        };
    }

    /** Whether a datagram arriving now may be processed (global rate limit). */
    public boolean admitDatagram(long now) {
        if (windowStart == Long.MIN_VALUE || now - windowStart >= 1000) {
            windowStart = now;
            inWindow = 0;
        }
        return ++inWindow <= perSecond;
    }

    /** Whether this peer should be reported for this torrent now (not reported within the repeat time). */
    public boolean admitPeer(InfoHash h, InetSocketAddress peer, long now) {
        Seen key = new Seen(h, peer);
        Long last = seen.get(key);
        if (last != null && now - last < repeatMillis) return false;
        seen.put(key, now);
        return true;
    }

    int remembered() {
        return seen.size();
    }
}
