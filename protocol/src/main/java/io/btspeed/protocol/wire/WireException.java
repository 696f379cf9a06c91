package io.btspeed.protocol.wire;

import io.btspeed.protocol.ProtocolException;

/** A peer sent bytes that break the peer wire protocol; the connection must be dropped. */
public class WireException extends ProtocolException {
    public WireException(String message) {
        super(message);
    }
}
