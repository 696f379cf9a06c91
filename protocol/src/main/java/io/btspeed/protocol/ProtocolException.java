package io.btspeed.protocol;

/**
 * Bytes from outside (a peer, a tracker, a file, a user) that break the protocol. Every decoder in
 * this module throws only this family for bad input, with a message that says what and where.
 */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
