package io.btspeed.engine.tracker;

import java.net.InetSocketAddress;
import java.util.List;

/** A datagram from a UDP tracker (BEP 15), decoded. Every reply carries the transaction id it answers. */
public sealed interface UdpReply {
    int transactionId();

    /** Action 0: the connection id to use in announces for the next minute. */
    record Connect(int transactionId, long connectionId) implements UdpReply {}

    /** Action 1. Interval in seconds; the tracker reports counts as unsigned 32-bit numbers, clamped here. */
    record Announce(int transactionId, int intervalSeconds, int leechers, int seeders, List<InetSocketAddress> peers)
            implements UdpReply {
        public Announce {
            peers = List.copyOf(peers);
        }
    }

    /** Action 3: the tracker refused; the message is cleaned for display. */
    record Error(int transactionId, String message) implements UdpReply {}
}
