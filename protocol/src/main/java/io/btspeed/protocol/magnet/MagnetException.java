package io.btspeed.protocol.magnet;

import io.btspeed.protocol.ProtocolException;

/** A magnet link we cannot use. */
public class MagnetException extends ProtocolException {
    public MagnetException(String message) {
        super(message);
    }
}
