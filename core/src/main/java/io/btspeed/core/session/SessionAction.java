package io.btspeed.core.session;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.protocol.wire.PeerMessage;
import java.nio.ByteBuffer;

/** What a {@link PeerSession} asks the runtime to do. */
public sealed interface SessionAction {
    /** Write this message to the peer. */
    record Send(PeerMessage message) implements SessionAction {}

    /** Close the connection; {@code reason} is for logs and ban decisions. */
    record Disconnect(String reason) implements SessionAction {}

    /** A block we asked for arrived: hand it to the picker and storage. {@code data} is the decoder's view. */
    record BlockReceived(int piece, int begin, ByteBuffer data) implements SessionAction {}

    /** The peer asked for data we may send: read it from storage and call {@link PeerSession#onBlockSent}. */
    record Serve(int piece, int begin, int length) implements SessionAction {}

    /** The peer cancelled (or we choked it): drop this queued upload if not yet written. */
    record CancelServe(int piece, int begin, int length) implements SessionAction {}

    /** Our request will not be answered (RejectRequest, or choke without the Fast extension): free it in the picker. */
    record RequestDropped(int piece, int begin, int length) implements SessionAction {}

    /** Availability changes for the picker. */
    record PeerHave(int piece) implements SessionAction {}

    record PeerBitfield(Bitfield bits) implements SessionAction {}

    record PeerHaveAll() implements SessionAction {}

    /** Peer unchoked us, or granted an allowed-fast piece: time to pick blocks. */
    record CanRequest() implements SessionAction {}

    /** BEP 10 message for the extension layer. */
    record ExtendedReceived(int extId, byte[] payload) implements SessionAction {}

    /** BEP 5 Port message: the peer's DHT port. */
    record DhtPort(int port) implements SessionAction {}
}
