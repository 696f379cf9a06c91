package io.btspeed.protocol.ext;

import io.btspeed.protocol.ProtocolException;

/** A malformed extension-protocol message (BEP 10, 9, 11). */
public class ExtensionException extends ProtocolException {
    public ExtensionException(String message) {
        super(message);
    }
}
