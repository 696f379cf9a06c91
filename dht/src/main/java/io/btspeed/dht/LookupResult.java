package io.btspeed.dht;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The outcome of an iterative lookup (over every address family the node runs).
 *
 * @param closest  the closest nodes that answered, closest first per family
 * @param peers    peers found (get_peers), empty for find_node
 * @param hops     hops to the closest answering node (1 = a node from our own table)
 * @param queries  queries sent
 * @param nanos    wall time the lookup took
 */
public record LookupResult(List<NodeInfo> closest, List<InetSocketAddress> peers, int hops, int queries, long nanos) {
    public LookupResult {
        closest = List.copyOf(closest);
        peers = List.copyOf(peers);
    }
}
