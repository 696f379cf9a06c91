package io.btspeed.engine.lsd;

import io.btspeed.protocol.ProtocolException;

/** A local-discovery datagram that is not a well-formed BEP 14 announce. */
public final class LsdException extends ProtocolException {
    public LsdException(String message) {
        super(message);
    }
}
