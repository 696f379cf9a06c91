package io.btspeed.engine.ext;

import java.net.InetSocketAddress;

/** What a torrent extension may know about and do with one connected peer. Thread-safe. */
public interface PeerHandle {
    /** The same key the torrent's slot policy sees in {@link io.btspeed.core.choke.PeerStats#key()}. */
    int key();

    InetSocketAddress address();

    /** The peer named this BEP 10 extension in its handshake. */
    boolean supports(String extensionName);

    /** Sends a BEP 10 message of the named extension (dropped if the peer does not support it). */
    void sendExtended(String extensionName, byte[] payload);

    /**
     * Runs {@code action} on the connection's writer thread once everything sent to the peer before
     * this call has been written: e.g. to start billing the blocks that leave after a message.
     */
    void afterQueued(Runnable action);

    /** Ends the connection, e.g. after repeated protocol violations. */
    void close(String reason);
}
