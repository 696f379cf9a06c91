package io.btspeed.dht;

/** Counters of a running node, for diagnostics, tests and benchmarks; {@code rateLimited} counts packets dropped by the per-source limit. */
public record DhtStats(int routingNodes4, int routingNodes6, int storedTorrents, int storedPeers, long queriesAnswered,
                       long malformed, long rateLimited, long pendingQueries) {}
