package io.btspeed.market.wire;

import io.btspeed.protocol.ProtocolException;

/**
 * A {@code bt_speed} message or handshake entry that breaks docs/spec/speed-extension.md. The
 * message says which field is wrong and why; the receiver answers with error code 1 (malformed)
 * and treats the sender as a plain peer for market purposes.
 */
public class MarketProtocolException extends ProtocolException {
    public MarketProtocolException(String message) {
        super(message);
    }

    public MarketProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
