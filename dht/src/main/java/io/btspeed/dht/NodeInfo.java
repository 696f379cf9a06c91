package io.btspeed.dht;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A DHT node as compact node info carries it: id and UDP endpoint (an IP literal, never a name). */
public record NodeInfo(NodeId id, InetSocketAddress address) {
    public NodeInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) throw new IllegalArgumentException("node address must be an IP: " + address);
    }

    public boolean isIpv6() {
        return address.getAddress() instanceof java.net.Inet6Address;
    }
}
