package io.btspeed.tracker;

import io.btspeed.protocol.ProtocolException;

/**
 * A request from a client that breaks the tracker protocol (bad escape, wrong length, missing field).
 * The message is safe to send back to the client as the failure reason.
 */
public class TrackerRequestException extends ProtocolException {
    public TrackerRequestException(String message) {
        super(message);
    }
}
