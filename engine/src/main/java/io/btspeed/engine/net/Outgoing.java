package io.btspeed.engine.net;

import io.btspeed.protocol.wire.PeerMessage;

/** One item in a connection's send queue. */
public sealed interface Outgoing {
    /** A control or small message, encoded by the wire codec and batched with its neighbours. */
    record Message(PeerMessage message) implements Outgoing {}

    /** A piece payload the writer streams from storage (header, then zero-copy transfer). */
    record Block(int piece, int begin, int length) implements Outgoing {}

    /** Runs on the writer thread once everything queued before it has been written (not flushed). */
    record Run(Runnable action) implements Outgoing {}

    /** End of the queue: what was queued before it is written, then the connection closes. */
    record Close() implements Outgoing {}
}
