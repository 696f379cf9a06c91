package io.btspeed.dht.routing;

import io.btspeed.dht.NodeInfo;

/**
 * What the routing table knows about one node. Times are the caller's clock in milliseconds
 * (any origin, so "never" is {@link #NEVER}, not 0).
 */
public final class NodeEntry {
    static final long NEVER = Long.MIN_VALUE;

    private final NodeInfo node;
    private long lastResponse = NEVER;
    private long lastQueryFrom = NEVER;
    private long lastPinged = NEVER;
    private int failures;

    NodeEntry(NodeInfo node) {
        this.node = node;
    }

    public NodeInfo node() {
        return node;
    }

    public long lastResponse() {
        return lastResponse;
    }

    public int failures() {
        return failures;
    }

    /**
     * BEP 5: good = answered one of our queries in the last 15 minutes, or answered once and
     * queried us in the last 15 minutes; bad = failed to answer several queries in a row;
     * questionable = everything else (mostly: silent for 15 minutes).
     */
    public Liveness liveness(long now) {
        if (failures >= RoutingTable.MAX_FAILURES) return Liveness.BAD;
        if (lastResponse != NEVER && now - lastResponse < RoutingTable.GOOD_FOR_MS) return Liveness.GOOD;
        if (lastResponse != NEVER && lastQueryFrom != NEVER && now - lastQueryFrom < RoutingTable.GOOD_FOR_MS) return Liveness.GOOD;
        return Liveness.QUESTIONABLE;
    }

    void responded(long now) {
        lastResponse = now;
        failures = 0;
    }

    void queriedUs(long now) {
        lastQueryFrom = now;
    }

    void failed() {
        failures++;
    }

    long lastPinged() {
        return lastPinged;
    }

    void pinged(long now) {
        lastPinged = now;
    }

    @Override
    public String toString() {
        return node + " resp=" + lastResponse + " fail=" + failures;
    }
}
