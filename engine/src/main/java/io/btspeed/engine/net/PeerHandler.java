package io.btspeed.engine.net;

import io.btspeed.protocol.wire.PeerMessage;

import java.io.IOException;
import java.nio.ByteBuffer;

/** What a connection's reader reports to (the torrent that owns the peer). Called on the reader's virtual thread. */
public interface PeerHandler {
    /** Every message except piece payloads. Throw {@link WireViolation} to drop the peer. */
    void onMessage(PeerConnection c, PeerMessage m) throws IOException;

    /**
     * A piece message header arrived: return the buffer the {@code length} payload bytes go into
     * (exactly {@code length} remaining), or null to read and discard them (a late duplicate).
     * Throw {@link WireViolation} for data that was never requested.
     */
    ByteBuffer blockTarget(PeerConnection c, int piece, int begin, int length) throws IOException;

    /** The payload announced by the last {@link #blockTarget} call has been read completely. */
    void onBlock(PeerConnection c, int piece, int begin, int length) throws IOException;

    /**
     * The writer is about to send a block: false holds it, and {@link #awaitUpload} is called once
     * everything queued before it has been flushed to the socket. Called for every block: answer quickly.
     */
    default boolean mayUpload(PeerConnection c, int length) {
        return true;
    }

    /** A block {@link #mayUpload} held: wait (bounded) until it may go; false drops it. */
    default boolean awaitUpload(PeerConnection c, int length) {
        return true;
    }

    /** The writer finished sending a block (for upload accounting). */
    void onBlockSent(PeerConnection c, int piece, int begin, int length);

    /** The connection is gone; {@code cause} is null for a local close. Called exactly once. */
    void onClosed(PeerConnection c, Throwable cause);
}
