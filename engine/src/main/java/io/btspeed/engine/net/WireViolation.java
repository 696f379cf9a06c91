package io.btspeed.engine.net;

import java.io.IOException;

/** A peer broke the protocol (bad length, bad index, unrequested data...): the connection is closed, nothing else is affected. */
public final class WireViolation extends IOException {
    public WireViolation(String message) {
        super(message);
    }
}
