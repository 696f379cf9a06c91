package io.btspeed.sim;

import java.util.List;

/**
 * A swarm to simulate, as read from a YAML or JSON file (see {@link ScenarioLoader}). Sizes are bytes, rates KiB/s,
 * times seconds of virtual time, token amounts base units, prices base units per MiB.
 *
 * @param name                 shown in reports
 * @param seed                 the one source of randomness: same scenario + seed gives the same results
 * @param pieces               pieces in the torrent
 * @param pieceSize            bytes per piece (every piece is full size)
 * @param maxSeconds           virtual time limit
 * @param roundSeconds         step of the flow-level bandwidth sharing
 * @param chokeIntervalSeconds how often every peer's choker runs (10 s in the product)
 * @param neighbors            peers the tracker hands a newcomer; a peer with fewer than half asks again
 * @param maxConnections       connections one peer accepts at most
 * @param uploadSlots          upload slots per peer, including the optimistic one
 * @param sampleSeconds        time-series sampling interval
 * @param stopWhenDone         stop once nobody is left to arrive or download (false: run to maxSeconds)
 * @param market               paid slots and clearing rule for peers that speak the market extension
 * @param groups               the peers
 */
public record Scenario(String name, long seed, int pieces, int pieceSize, double maxSeconds, double roundSeconds,
        double chokeIntervalSeconds, int neighbors, int maxConnections, int uploadSlots, double sampleSeconds,
        boolean stopWhenDone, Market market, List<Group> groups) {

    public long torrentBytes() { return (long) pieces * pieceSize; }

    public int peerCount() {
        int n = 0;
        for (Group g : groups) n += g.count();
        return n;
    }

    /** A copy with another seed (the CLI's --seed). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, newSeed, pieces, pieceSize, maxSeconds, roundSeconds, chokeIntervalSeconds, neighbors,
                maxConnections, uploadSlots, sampleSeconds, stopWhenDone, market, groups);
    }

    /** A copy with other groups (studies vary one group at a time). */
    public Scenario withGroups(List<Group> newGroups) {
        return new Scenario(name, seed, pieces, pieceSize, maxSeconds, roundSeconds, chokeIntervalSeconds, neighbors,
                maxConnections, uploadSlots, sampleSeconds, stopWhenDone, market, newGroups);
    }

    /**
     * @param paidSlots    slots each market uploader auctions per round (0: market off)
     * @param rule         "lowest-winning" or "highest-losing"
     * @param reservePrice lowest acceptable bid, base units per MiB
     */
    public record Market(int paidSlots, String rule, long reservePrice) {}

    /**
     * @param name         group label in reports
     * @param count        peers in the group
     * @param kind         bidder, nonbidder (speaks the market, never spends) or plain (no market extension)
     * @param complete     the peers start with the whole torrent (initial seeds)
     * @param uploadKiBps  upload capacity
     * @param downloadKiBps download capacity
     * @param latencyMs    one-way latency; a new unchoke waits a round trip before data flows
     * @param budget       tokens each peer owns at the start (bidders spend up to this)
     * @param shading      bidders bid this fraction of the autobid price (1.0 = truthful), to a millionth
     * @param arrival      when the peers join
     * @param departure    when they leave
     */
    public record Group(String name, int count, Kind kind, boolean complete, double uploadKiBps, double downloadKiBps,
            double latencyMs, long budget, double shading, Arrival arrival, Departure departure) {}

    /**
     * @param type          flash (all at {@code at}) or poisson ({@code ratePerSecond} from {@code at} on)
     * @param at            start time
     * @param ratePerSecond mean arrivals per second (poisson)
     */
    public record Arrival(String type, double at, double ratePerSecond) {}

    /**
     * @param type        stay (never leave), leave (at completion with {@code probability}, else stay),
     *                    seed-for (leave {@code seconds} after completion), earnings (after completion keep seeding
     *                    while the last {@code seconds} earned at least {@code minEarnings})
     * @param probability for leave
     * @param seconds     for seed-for and earnings
     * @param minEarnings for earnings: base units per window of {@code seconds}
     */
    public record Departure(String type, double probability, double seconds, long minEarnings) {}
}
