package io.btspeed.dht.store;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Peers announced to us (announce_peer), per info-hash, each forgotten {@code ttlMs} after its
 * last announce (BEP 5 leaves the time open; 30 minutes is what clients use). Both the number of
 * torrents and the peers per torrent are capped, so announces cannot fill our memory.
 */
public final class PeerStore {
    public static final long DEFAULT_TTL_MS = 30 * 60_000L;

    private final long ttlMs;
    private final int maxTorrents;
    private final int maxPeersPerTorrent;
    /** Per torrent: peer → expiry time; insertion order = announce order (re-announce moves to the end). */
    private final Map<InfoHash, LinkedHashMap<InetSocketAddress, Long>> torrents = new HashMap<>();
    private int peerCount;

    public PeerStore(long ttlMs, int maxTorrents, int maxPeersPerTorrent) {
        if (ttlMs <= 0 || maxTorrents < 1 || maxPeersPerTorrent < 1) throw new IllegalArgumentException("bad peer store limits");
        this.ttlMs = ttlMs;
        this.maxTorrents = maxTorrents;
        this.maxPeersPerTorrent = maxPeersPerTorrent;
    }

    public static PeerStore defaults() {
        return new PeerStore(DEFAULT_TTL_MS, 20_000, 2_000);
    }

    /** @return false when refused because the store is full */
    public boolean add(InfoHash infoHash, InetSocketAddress peer, long now) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null) {
            if (torrents.size() >= maxTorrents) {
                expire(now);
                if (torrents.size() >= maxTorrents) return false;
            }
            peers = new LinkedHashMap<>();
            torrents.put(infoHash, peers);
        }
        Long old = peers.remove(peer);
        if (old == null) {
            if (peers.size() >= maxPeersPerTorrent) {
                // a full torrent drops its oldest announce: fresh peers are the likeliest to be online
                Iterator<InetSocketAddress> it = peers.keySet().iterator();
                it.next();
                it.remove();
            } else {
                peerCount++;
            }
        }
        peers.put(peer, now + ttlMs);
        return true;
    }

    /**
     * Up to {@code max} live peers of the torrent, a random sample when there are more (so every
     * announcer gets handed out, not only the first ones).
     */
    public List<InetSocketAddress> peers(InfoHash infoHash, int max, long now, RandomGenerator rnd) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null) return List.of();
        List<InetSocketAddress> live = new ArrayList<>(peers.size());
        for (var it = peers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() <= now) {
                it.remove();
                peerCount--;
            } else {
                live.add(e.getKey());
            }
        }
        if (peers.isEmpty()) torrents.remove(infoHash);
        if (live.size() <= max) return live;
        // partial Fisher-Yates: the first max entries become a uniform sample
        for (int i = 0; i < max; i++) {
            int j = i + rnd.nextInt(live.size() - i);
            InetSocketAddress t = live.get(i);
            live.set(i, live.get(j));
            live.set(j, t);
        }
        return new ArrayList<>(live.subList(0, max));
    }

    /** Drops every expired peer and empty torrent. */
    public void expire(long now) {
        for (var it = torrents.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<InetSocketAddress, Long> peers = it.next();
            for (var pi = peers.values().iterator(); pi.hasNext(); ) {
                if (pi.next() <= now) {
                    pi.remove();
                    peerCount--;
                }
            }
            if (peers.isEmpty()) it.remove();
        }
    }

    public int torrentCount() {
        return torrents.size();
    }

    public int peerCount() {
        return peerCount;
    }
}
