package io.btspeed.tracker;

import java.net.InetAddress;
import java.util.Arrays;

/** A peer handed out in an announce reply. */
public record PeerEntry(byte[] peerId, InetAddress address, int port) {
    public PeerEntry {
        peerId = peerId.clone();
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerEntry p && Arrays.equals(peerId, p.peerId) && address.equals(p.address) && port == p.port;
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + ":" + port;
    }
}
