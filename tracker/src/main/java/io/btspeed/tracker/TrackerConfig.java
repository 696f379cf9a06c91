package io.btspeed.tracker;

import java.time.Duration;

/**
 * Limits and timing of a tracker. Every limit exists so that hostile clients cannot make the
 * tracker hold unbounded state: swarms, peers per swarm and peers per reply are all capped.
 *
 * @param interval          how often clients should re-announce
 * @param minInterval       the least time clients must wait between announces
 * @param maxTorrents       most swarms held at once; announces for new info-hashes beyond it are refused
 * @param maxPeersPerTorrent most peers stored per swarm; later peers still get a peer list but are not stored
 * @param defaultNumWant    peers in a reply when the client does not say
 * @param maxNumWant        most peers in one reply, whatever the client asks
 * @param allowList         when non-null, only these info-hashes are tracked (a private swarm)
 * @param trustClientIp     honour the client's "ip" parameter (only behind a trusted proxy or on a LAN);
 *                          otherwise a peer is always recorded at the address its request came from
 */
public record TrackerConfig(Duration interval, Duration minInterval, int maxTorrents, int maxPeersPerTorrent,
                            int defaultNumWant, int maxNumWant, AllowList allowList, boolean trustClientIp) {
    public TrackerConfig {
        if (interval.toSeconds() < 1 || interval.toSeconds() > 86_400) throw new IllegalArgumentException("interval must be 1 s .. 1 day");
        if (minInterval.isNegative() || minInterval.compareTo(interval) > 0) {
            throw new IllegalArgumentException("min interval must be between 0 and the interval");
        }
        if (maxTorrents < 1 || maxPeersPerTorrent < 1) throw new IllegalArgumentException("limits must be positive");
        if (defaultNumWant < 0 || maxNumWant < 1 || defaultNumWant > maxNumWant) {
            throw new IllegalArgumentException("need 0 <= default numwant <= max numwant, max >= 1");
        }
    }

    public static TrackerConfig defaults() {
        return new TrackerConfig(Duration.ofMinutes(30), Duration.ofMinutes(5), 100_000, 10_000, 50, 200, null, false);
    }

    public TrackerConfig withInterval(Duration newInterval) {
        Duration min = minInterval.compareTo(newInterval) > 0 ? newInterval : minInterval;
        return new TrackerConfig(newInterval, min, maxTorrents, maxPeersPerTorrent, defaultNumWant, maxNumWant, allowList, trustClientIp);
    }

    public TrackerConfig withMinInterval(Duration newMin) {
        return new TrackerConfig(interval, newMin, maxTorrents, maxPeersPerTorrent, defaultNumWant, maxNumWant, allowList, trustClientIp);
    }

    public TrackerConfig withLimits(int newMaxTorrents, int newMaxPeersPerTorrent, int newDefaultNumWant, int newMaxNumWant) {
        return new TrackerConfig(interval, minInterval, newMaxTorrents, newMaxPeersPerTorrent, newDefaultNumWant, newMaxNumWant,
                allowList, trustClientIp);
    }

    public TrackerConfig withAllowList(AllowList list) {
        return new TrackerConfig(interval, minInterval, maxTorrents, maxPeersPerTorrent, defaultNumWant, maxNumWant, list, trustClientIp);
    }

    public TrackerConfig withTrustClientIp(boolean trust) {
        return new TrackerConfig(interval, minInterval, maxTorrents, maxPeersPerTorrent, defaultNumWant, maxNumWant, allowList, trust);
    }

    /** A peer not heard from for two intervals (plus a little slack for late clients) is dropped. */
    public long peerTimeoutMillis() {
        return interval.toMillis() * 2 + 30_000;
    }
}
