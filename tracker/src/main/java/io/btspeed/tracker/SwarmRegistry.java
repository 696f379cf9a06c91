package io.btspeed.tracker;

import io.btspeed.protocol.metainfo.InfoHash;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every swarm a tracker knows: the rules of announce and scrape without any I/O or clock of its
 * own (the caller passes the time), so tests drive it by hand and both the HTTP and the UDP front
 * end share one copy of the rules. Thread-safe: each swarm is locked on its own.
 */
public final class SwarmRegistry {
    /** Address-family filter for {@link #announce}: IPv4 peers only, IPv6 peers only, or both. */
    public static final int ANY_FAMILY = 0, IPV4 = 4, IPV6 = 16;

    private final TrackerConfig config;
    private final Random random;
    private final Map<InfoHash, Swarm> swarms = new ConcurrentHashMap<>();

    public SwarmRegistry(TrackerConfig config, Random random) {
        this.config = config;
        this.random = random;
    }

    public TrackerConfig config() {
        return config;
    }

    /**
     * Records an announce and chooses peers for the reply.
     *
     * @param nowMillis a monotonic clock in milliseconds
     * @param family    {@link #ANY_FAMILY}, {@link #IPV4} or {@link #IPV6}: which peers the reply may carry
     */
    public AnnounceResult announce(AnnounceRequest r, long nowMillis, int family) {
        if (config.allowList() != null && !config.allowList().allows(r.infoHash())) {
            return new AnnounceResult.Refused("info_hash " + r.infoHash().hex() + " is not tracked here (private tracker)");
        }
        int want = r.numWant() < 0 ? config.defaultNumWant() : Math.min(r.numWant(), config.maxNumWant());
        int interval = (int) config.interval().toSeconds();
        int minInterval = (int) config.minInterval().toSeconds();
        while (true) {
            Swarm swarm = swarms.get(r.infoHash());
            if (swarm == null) {
                // a stopped peer of an unknown swarm has nothing to undo: do not create state for it
                if (r.event() == AnnounceEvent.STOPPED) return new AnnounceResult.Accepted(interval, minInterval, 0, 0, List.of());
                if (swarms.size() >= config.maxTorrents()) {
                    return new AnnounceResult.Refused("tracker is full (" + config.maxTorrents() + " torrents); try later");
                }
                swarm = swarms.computeIfAbsent(r.infoHash(), h -> new Swarm());
            }
            synchronized (swarm) {
                if (swarm.removed) continue; // expire() dropped it between get and lock: use a fresh one
                List<PeerEntry> peers = swarm.announce(r, nowMillis, config.peerTimeoutMillis(), config.maxPeersPerTorrent(),
                        want, family, random);
                return new AnnounceResult.Accepted(interval, minInterval, swarm.seeders(), swarm.leechers(), peers);
            }
        }
    }

    /** Counts for one info-hash; zeros for an unknown one (or one outside the allow-list). */
    public ScrapeEntry scrape(InfoHash h) {
        Swarm swarm = swarms.get(h);
        if (swarm == null) return ScrapeEntry.EMPTY;
        synchronized (swarm) {
            return new ScrapeEntry(swarm.seeders(), swarm.completed(), swarm.leechers());
        }
    }

    /** Whether scrape may talk about this info-hash (a private tracker does not confirm others exist). */
    public boolean tracks(InfoHash h) {
        return config.allowList() == null || config.allowList().allows(h);
    }

    /**
     * Drops peers silent for longer than two intervals and swarms left with nobody and no completed
     * download to remember. Call it every minute or so.
     *
     * @return how many peers were dropped
     */
    public int expire(long nowMillis) {
        int dropped = 0;
        for (var e : swarms.entrySet()) {
            Swarm swarm = e.getValue();
            synchronized (swarm) {
                dropped += swarm.expire(nowMillis, config.peerTimeoutMillis());
                if (swarm.size() == 0 && swarm.completed() == 0) {
                    swarm.removed = true;
                    swarms.remove(e.getKey(), swarm);
                }
            }
        }
        return dropped;
    }

    public RegistryStats stats() {
        long peers = 0, seeders = 0, completed = 0;
        int torrents = 0;
        for (Swarm swarm : swarms.values()) {
            synchronized (swarm) {
                torrents++;
                peers += swarm.size();
                seeders += swarm.seeders();
                completed += swarm.completed();
            }
        }
        return new RegistryStats(torrents, peers, seeders, peers - seeders, completed);
    }
}
